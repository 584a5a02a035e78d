/**
 * The demo's workload: a stream of JSON market ticks as an exchange feed
 * would publish them — a few dozen symbols, prices on a random walk, sizes,
 * sequence numbers and timestamps. Deterministic (seeded), so runs compare.
 */

const SYMBOLS = [
  'AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA', 'META', 'TSLA', 'BRK.B', 'JPM', 'V',
  'UNH', 'XOM', 'JNJ', 'WMT', 'MA', 'PG', 'HD', 'CVX', 'LLY', 'ABBV',
  'KO', 'PEP', 'AVGO', 'COST', 'MRK', 'BAC', 'ORCL', 'ADBE', 'CRM', 'NFLX',
];
const VENUES = ['XNAS', 'XNYS', 'ARCX', 'BATS', 'IEXG'];

export interface Tick {
  type: 'tick';
  seq: number;
  symbol: string;
  venue: string;
  bid: number;
  ask: number;
  last: number;
  size: number;
  volume: number;
  ts: string;
}

/** A small, fast, seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Yields `count` ticks as JSON strings (about 170–190 bytes each).
 * @example
 * for (const json of marketTicks(3)) console.log(json);
 */
export function* marketTicks(count: number, seed = 7): Generator<string> {
  const next = random(seed);
  const prices = SYMBOLS.map(() => 20 + next() * 480);
  const volumes = SYMBOLS.map(() => 0);
  let clock = Date.UTC(2026, 0, 5, 14, 30);
  for (let seq = 1; seq <= count; seq++) {
    const i = Math.floor(next() * SYMBOLS.length);
    prices[i] = Math.max(1, prices[i]! * (1 + (next() - 0.5) * 0.002));
    const spread = Math.max(0.01, prices[i]! * 0.0004);
    const size = 100 * (1 + Math.floor(next() * 20));
    volumes[i]! += size;
    clock += Math.floor(next() * 3);
    const tick: Tick = {
      type: 'tick',
      seq,
      symbol: SYMBOLS[i]!,
      venue: VENUES[Math.floor(next() * VENUES.length)]!,
      bid: round(prices[i]! - spread / 2),
      ask: round(prices[i]! + spread / 2),
      last: round(prices[i]!),
      size,
      volume: volumes[i]!,
      ts: new Date(clock).toISOString(),
    };
    yield JSON.stringify(tick);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

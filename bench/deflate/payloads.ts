/**
 * Benchmark payloads: JSON events (~200 B, ~4 KiB) and English-like text
 * (64 KiB, 1 MiB), deterministic, several distinct messages per case so that
 * context takeover helps as on a real connection, not by exact repetition.
 */
const KiB = 1024;
const MiB = 1024 * KiB;

const WORDS =
  'the of and to in is was that for on with as by at from his her an which or be are this have not but had they were it its one all their there been has when who more will would no if out so said what up about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last'.split(
    ' ',
  );

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
}

function words(next: () => number, count: number): string {
  return Array.from({ length: count }, () => WORDS[next() % WORDS.length]).join(' ');
}

function jsonRecord(next: () => number, id: number): object {
  return {
    id,
    type: ['update', 'create', 'delete', 'presence'][next() % 4],
    user: { id: next() % 100_000, name: `user${next() % 5000}`, online: next() % 2 === 0 },
    ts: 1_700_000_000_000 + (next() % 100_000_000),
    text: words(next, 3 + (next() % 6)),
  };
}

/** A JSON message of about `size` bytes. */
export function jsonMessage(size: number, seed: number): Uint8Array {
  const next = rng(seed);
  const records: object[] = [];
  let text = '';
  for (let id = 0; text.length < size; id++) {
    records.push(jsonRecord(next, seed * 1000 + id));
    text = JSON.stringify(size <= 256 ? records[0] : { events: records });
    if (size <= 256) break;
  }
  return new TextEncoder().encode(text);
}

export function textMessage(size: number, seed: number): Uint8Array {
  const next = rng(seed);
  let text = '';
  while (text.length < size) text += words(next, 12) + (next() % 7 === 0 ? '.\n' : '. ');
  return new TextEncoder().encode(text.slice(0, size));
}

export const CASES = [
  { label: '200 B JSON', make: (seed: number) => jsonMessage(200, seed), distinct: 64 },
  { label: '4 KiB JSON', make: (seed: number) => jsonMessage(4 * KiB, seed), distinct: 32 },
  { label: '64 KiB text', make: (seed: number) => textMessage(64 * KiB, seed), distinct: 8 },
  { label: '1 MiB text', make: (seed: number) => textMessage(MiB, seed), distinct: 3 },
];

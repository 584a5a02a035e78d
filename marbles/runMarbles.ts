/**
 * The entry point of the kit: `runMarbles(callback)` is rxjs'
 * `testScheduler.run()` for wire values and async extensions.
 *
 * - `cold`/`hot` take value maps in the notation (`{ a: 'T1"hi"' }`);
 * - `expectObservable(...).toBe(marbles, values, error)` compares frames and
 *   messages byte by byte and errors by class + close code, and fails with
 *   both diagrams side by side;
 * - virtual time waits for the promises extension stages return (see
 *   `asyncTestScheduler.ts`), so async extensions are tested deterministically;
 * - `send`/`receive` run sessions' outgoing/incoming stages (any stage form)
 *   as operators; `withLatency` makes their work take virtual time.
 */
import type { Observable } from 'rxjs';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import type { HotObservable } from 'rxjs/internal/testing/HotObservable';
import type { SubscriptionLog } from 'rxjs/internal/testing/SubscriptionLog';
import { assertRecords } from './assert.js';
import { AsyncTestScheduler } from './asyncTestScheduler.js';
import { toErrorMatcher, type ErrorExpectation } from './match.js';
import { parseValueMap, type ValueMap, type WireValue } from './values.js';
import { extensionHelpers, type ExtensionHelpers } from './extensionHelpers.js';

export interface Expectation {
  /** Asserts the observable's notifications; string values are parsed as notation. */
  toBe(marbles: string, values?: ValueMap, error?: ErrorExpectation): void;
}

export interface MarbleHelpers extends ExtensionHelpers {
  cold<T = WireValue>(marbles: string, values?: ValueMap, error?: unknown): ColdObservable<T>;
  hot<T = WireValue>(marbles: string, values?: ValueMap, error?: unknown): HotObservable<T>;
  /**
   * A cold observable of raw `Sec-WebSocket-Extensions` header values (not
   * parsed as notation; `null` for "no header"), for negotiation marbles.
   */
  headers(marbles: string, values: Readonly<Record<string, string | null>>, error?: unknown): ColdObservable<string | null>;
  expectObservable(observable: Observable<unknown>, subscriptionMarbles?: string | null): Expectation;
  expectSubscriptions(logs: SubscriptionLog[]): { toBe(marbles: string | string[]): void };
  /** The virtual time a marble string spans, e.g. `time('---|')` is 3. */
  time(marbles: string): number;
  /** Runs virtual time to the end now (settling async work) and checks the expectations so far. */
  flush(): Promise<void>;
  /** Resolves after `ms` of virtual time: for stage functions that should take time. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Makes virtual time wait for `work` before moving on. */
  track<T>(work: PromiseLike<T>): PromiseLike<T>;
  readonly scheduler: AsyncTestScheduler;
}

export interface RunMarblesOptions {
  /** Real milliseconds stage work may take per virtual step before the run fails (default 5000). */
  readonly settleTimeout?: number;
}

/**
 * Runs a marble test in virtual time; resolves when every expectation held,
 * rejects with a `MarbleMismatchError` showing both diagrams otherwise.
 *
 * @example
 * // x-crc32 (examples/python-crc32) appends a CRC-32 and sets RSV3:
 * const { client } = handshake([crc32Client], [crc32Server]);
 * await runMarbles(({ cold, send, expectObservable }) => {
 *   const input = cold('a-b|', { a: 't"hello"', b: 'b<01 02>' });
 *   expectObservable(send(client, input)).toBe('a-b|', { a: 'T3"hello"<36 10 a6 86>', b: like('B3') });
 * });
 */
export async function runMarbles<T>(
  callback: (helpers: MarbleHelpers) => T | Promise<T>,
  options: RunMarblesOptions = {},
): Promise<T> {
  const hints = new Map<unknown, string>();
  const scheduler = new AsyncTestScheduler((actual, expected) => assertRecords(actual, expected, hints), options.settleTimeout);
  const helpers: MarbleHelpers = {
    cold: <T>(marbles: string, values?: ValueMap, error?: unknown) =>
      scheduler.createColdObservable(marbles, parseValueMap(values, hints), error) as ColdObservable<T>,
    hot: <T>(marbles: string, values?: ValueMap, error?: unknown) =>
      scheduler.createHotObservable(marbles, parseValueMap(values, hints), error) as HotObservable<T>,
    headers: (marbles, values, error) => scheduler.createColdObservable(marbles, values, error),
    expectObservable(observable, subscriptionMarbles) {
      const expectation = scheduler.expectObservable(observable, subscriptionMarbles);
      return {
        toBe: (marbles, values, error) =>
          expectation.toBe(marbles, parseValueMap(values, hints), toErrorMatcher(error)),
      };
    },
    expectSubscriptions: (logs) => scheduler.expectSubscriptions(logs),
    time: (marbles) => scheduler.createTime(marbles),
    flush: () => scheduler.flushAsync(),
    sleep: (ms, signal) => scheduler.sleep(ms, signal),
    track: (work) => scheduler.track(work),
    scheduler,
    ...extensionHelpers(scheduler),
  };
  return scheduler.runAsync(() => callback(helpers));
}

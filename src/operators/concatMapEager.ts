/**
 * `concatMapEager`: like `mergeMap`, up to `concurrency` inner observables run
 * at once; like `concatMap`, their values come out in the order of the outer
 * values. The head inner's values pass straight through; later inners buffer
 * until every earlier one has completed.
 */
import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';
import { checkConcurrency } from '../streams/orderedSlots.js';

interface Inner<R> {
  readonly controller: AbortController;
  /** Values that arrived before this inner became the head. */
  buffer: R[];
  subscription: Subscription | undefined;
  completed: boolean;
  failed: boolean;
  error: unknown;
}

/**
 * Maps each value to an ObservableInput, subscribes to up to `concurrency`
 * of them at once (default `Infinity`) and emits their values in input
 * order. `concurrency` 1 behaves like `concatMap`. An inner that completed
 * early keeps its slot until its buffered values have been emitted, so at
 * most `concurrency` inners' values are ever held.
 *
 * `project` gets an `AbortSignal` that fires when the inner's values will
 * never be used — on unsubscribe, or because an inner before it failed — so
 * promises and fetches can stop early.
 * If inner k errors, the values of inners before k are still emitted, then
 * the error; nothing of k+1… is. An outer error is passed on at once.
 *
 * @example
 * import { of } from 'rxjs';
 * of('a.json', 'b.json', 'c.json')
 *   .pipe(concatMapEager((url, _i, signal) => fetch(url, { signal }).then((r) => r.json()), 2))
 *   .subscribe(console.log); // a, b, c — in this order, two requests in flight at most
 */
export function concatMapEager<T, R>(
  project: (value: T, index: number, signal: AbortSignal) => ObservableInput<R>,
  concurrency: number = Infinity,
): OperatorFunction<T, R> {
  const limit = checkConcurrency(concurrency, Infinity);
  return (source) =>
    new Observable<R>((subscriber) => {
      const active: Inner<R>[] = [];
      let waiting: T[] = [];
      let index = 0;
      let outerDone = false;
      /** An inner failed behind running ones: nothing new starts. */
      let blocked = false;
      let advancing = false;
      let again = false;

      const start = (value: T): void => {
        const inner: Inner<R> = {
          controller: new AbortController(),
          buffer: [],
          subscription: undefined,
          completed: false,
          failed: false,
          error: undefined,
        };
        active.push(inner);
        let input: ObservableInput<R>;
        try {
          input = project(value, index++, inner.controller.signal);
        } catch (error) {
          return fail(inner, error);
        }
        const subscription = from(input).subscribe({
          next: (v) => {
            if (active[0] === inner) subscriber.next(v);
            else inner.buffer.push(v);
          },
          error: (error: unknown) => fail(inner, error),
          complete: () => {
            inner.completed = true;
          },
        });
        // Move on once the completed inner is torn down (as mergeMap does), so
        // a waiting inner never starts while the finished one still holds resources.
        subscription.add(() => {
          if (inner.completed) advance();
        });
        if (!subscription.closed) inner.subscription = subscription;
      };

      const fail = (inner: Inner<R>, error: unknown): void => {
        inner.failed = true;
        inner.error = error;
        blocked = true;
        waiting = [];
        // Inners after the failed one can never be emitted: stop them now.
        const at = active.indexOf(inner);
        for (const later of active.splice(at + 1)) release(later, error);
        advance();
      };

      /** Emits from the head as far as finished inners allow, then starts waiting values. */
      const advance = (): void => {
        if (advancing) {
          again = true;
          return;
        }
        advancing = true;
        do {
          again = false;
          while (active.length > 0 && !subscriber.closed) {
            const head = active[0]!;
            if (head.failed) {
              advancing = false;
              return subscriber.error(head.error);
            }
            if (!head.completed) break;
            active.shift();
            const next = active[0];
            if (next && next.buffer.length > 0) {
              const buffered = next.buffer;
              next.buffer = [];
              for (const v of buffered) subscriber.next(v);
            }
          }
          while (!blocked && waiting.length > 0 && active.length < limit && !subscriber.closed) {
            start(waiting.shift()!);
          }
          if (outerDone && active.length === 0 && waiting.length === 0) subscriber.complete();
        } while (again && !subscriber.closed);
        advancing = false;
      };

      const outer = source.subscribe({
        next: (value) => {
          if (blocked) return;
          if (active.length < limit && waiting.length === 0) start(value);
          else waiting.push(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          outerDone = true;
          advance();
        },
      });

      return () => {
        outer.unsubscribe();
        waiting = [];
        for (const inner of active.splice(0)) release(inner, undefined);
      };
    });
}

function release(inner: Inner<unknown>, reason: unknown): void {
  inner.controller.abort(reason ?? new DOMException('concatMapEager unsubscribed', 'AbortError'));
  inner.subscription?.unsubscribe();
  inner.buffer = [];
}

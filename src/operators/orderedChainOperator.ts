/**
 * The ordering engine (`OrderedChain` of `src/streams`) as an Rx operator:
 * the same order, per-level concurrency, error and abort semantics as the
 * stream adapter. An Observable cannot be paused, so inputs that arrive while
 * the chain is at capacity wait in a queue here (as with `mergeMap`'s
 * concurrency limit); everything after that queue is bounded.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { OrderedChain, type OrderedLevel } from '../streams/orderedChain.js';

/**
 * `levels` is called once per subscription, so levels may hold state (such
 * as a message assembler) without leaking between subscriptions.
 *
 * @example
 * import { of } from 'rxjs';
 * of('1,2', '3')
 *   .pipe(orderedChainOperator<string, number>(() => [
 *     { fn: (s: string) => s.split(','), flat: true, concurrency: 1 },
 *     { fn: async (n: string) => Number(n) * 10, flat: false, concurrency: 4 },
 *   ]))
 *   .subscribe(console.log); // 10, 20, 30
 */
export function orderedChainOperator<I, O>(levels: () => readonly OrderedLevel[]): OperatorFunction<I, O> {
  return (source) =>
    new Observable<O>((subscriber) => {
      let queue: I[] = [];
      let head = 0;
      let sourceDone = false;
      const chain = new OrderedChain<I, O>(levels(), {
        emit: (output) => subscriber.next(output),
        changed: () => drain(),
        failed: (error) => subscriber.error(error),
      });
      const drain = (): void => {
        while (head < queue.length && chain.canAccept()) {
          const item = queue[head]!;
          queue[head++] = undefined as I; // release the reference
          chain.push(item);
        }
        if (head === queue.length && head > 0) {
          queue = [];
          head = 0;
        }
        if (sourceDone && head === queue.length) {
          chain.closeInput();
          if (chain.idle && !chain.stopped) subscriber.complete();
        }
      };
      const input = source.subscribe({
        next: (item) => {
          if (chain.stopped) return; // behind a failure: never to be emitted
          if (head === queue.length && chain.canAccept()) chain.push(item);
          else queue.push(item);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
      return () => {
        input.unsubscribe();
        queue = [];
        void chain.end(new DOMException('unsubscribed', 'AbortError'));
      };
    });
}

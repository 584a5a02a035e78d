/**
 * The Rx adapter over `ControlRouter` of `src/streams`: wraps one
 * direction's stages (an operator over data frames) so that control frames
 * go around them — the same rules as the stream pipeline, decided by the same
 * sans-I/O class: Ping/Pong are emitted as soon as they arrive (ahead of a
 * message still inside the stages, order among control frames kept), a Close
 * ends the stages' input and is emitted after their last frame, and a data
 * frame after a Close is a `ProtocolError` (1002).
 *
 * Data frames reach the stages through a Subject fed synchronously, so
 * synchronous stages stay synchronous (virtual-time marble tests see no
 * scheduling of their own). Rx has no backpressure, so nothing is bounded
 * here beyond what the stages bound.
 */
import { Observable, Subject, type OperatorFunction } from 'rxjs';
import type { Frame } from '../protocol/frame.js';
import { ControlRouter } from '../streams/controlRouter.js';

/**
 * @example
 * import { concatMap, delay, of } from 'rxjs';
 * const slowDeflate = concatMap((f: Frame) => of(compress(f)).pipe(delay(50)));
 * frames$.pipe(bypassControlOperator(slowDeflate)).subscribe(send);
 * // text(fin: false), ping  →  ping, then the compressed fragment 50 ms later
 */
export function bypassControlOperator(stages: OperatorFunction<Frame, Frame>): OperatorFunction<Frame, Frame> {
  return (source) =>
    new Observable<Frame>((subscriber) => {
      const data = new Subject<Frame>();
      const router = new ControlRouter({ emit: (frame) => subscriber.next(frame) });
      let sourceDone = false;
      let dataDone = false;
      const finish = (): void => {
        if (sourceDone && dataDone) subscriber.complete();
      };
      // Subscribed first: a synchronous source's frames must find the stages listening.
      const output = stages(data).subscribe({
        next: (frame) => subscriber.next(frame),
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          dataDone = true;
          // Stages that end on their own (`take`) end the direction, as they did before the bypass.
          if (!sourceDone && !router.closeSeen) return subscriber.complete();
          router.dataEnded();
          finish();
        },
      });
      const input = source.subscribe({
        next: (frame) => {
          let route;
          try {
            route = router.route(frame);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (route === 'data') data.next(frame);
          else if (route === 'end-data') data.complete();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (router.closeSeen) finish();
          else data.complete();
        },
      });
      return () => {
        input.unsubscribe();
        output.unsubscribe();
      };
    });
}

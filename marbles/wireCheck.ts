/**
 * The wire's rules at the edge of a marble test, enforced by the real frame
 * parser: each frame is serialized and parsed again, with the RSV bits the
 * sessions declared as the only ones allowed. On `receive` this is what a
 * connection does before any extension sees a frame (a stray RSV bit, a
 * continuation out of place, an oversized control frame are 1002); on `send`
 * it catches an extension that sets a bit it never declared, which the peer's
 * parser would refuse. Frames that pass go on as the same objects.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { unionRsv } from '../src/negotiation/index.js';
import { FrameParser, serializeFrame, type ExtensionSession, type Frame } from '../src/protocol/index.js';

export function wireCheck(sessions: readonly ExtensionSession[]): OperatorFunction<Frame, Frame> {
  return (source) =>
    new Observable<Frame>((subscriber) => {
      // Role 'client' reads unmasked frames; masking is not what these tests are about.
      const parser = new FrameParser({ role: 'client', allowedRsv: unionRsv(sessions) });
      return source.subscribe({
        next(frame) {
          try {
            parser.push(serializeFrame(frame, { mask: false }));
          } catch (error) {
            return subscriber.error(error);
          }
          subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

/**
 * Frames → messages as an Rx operator, over the sans-I/O `MessageAssembler`
 * of src/protocol (the same one the stream face uses): control frames pass in
 * position, continuation rules, `maxMessageSize` (1009) and UTF-8 (1007) apply.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { MessageAssembler, isControlOpcode, type Frame, type Message } from '../src/protocol/index.js';

export function assembleMessages(maxMessageSize?: number): OperatorFunction<Frame, Frame | Message> {
  return (source) =>
    new Observable<Frame | Message>((subscriber) => {
      const assembler = new MessageAssembler(maxMessageSize === undefined ? {} : { maxMessageSize });
      return source.subscribe({
        next(frame) {
          if (isControlOpcode(frame.opcode)) return subscriber.next(frame);
          let message: Message | null;
          try {
            message = assembler.push(frame);
          } catch (error) {
            return subscriber.error(error);
          }
          if (message) subscriber.next(message);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

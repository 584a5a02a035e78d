/**
 * The per-frame step of a `frame` or `message` stage, written once and shared
 * by the stream adapter (`stageToTransform`) and the Rx adapter
 * (`stageToOperator`): each turns one incoming frame into the frames to emit
 * in its place, synchronously when it can, as a promise when the extension
 * works asynchronously. Steps are called in input order, which is what lets
 * the message step keep its assembler state while results finish in any order.
 */
import type { Frame } from '../protocol/frame.js';
import type { Message } from '../protocol/message.js';
import type { FrameStage, MessageStage, StageContext } from '../protocol/extension.js';
import { ExtensionError, WebSocketError } from '../protocol/errors.js';
import { isControlOpcode } from '../protocol/opcodes.js';
import { MessageAssembler } from '../protocol/messageAssembler.js';
import { isThenable } from './orderedSlots.js';

/** Turns one frame into the frames that replace it. */
export type StageStep = (frame: Frame, context: StageContext) => readonly Frame[] | PromiseLike<readonly Frame[]>;

const NOTHING: readonly Frame[] = Object.freeze([]);

/**
 * Errors an extension throws become `ExtensionError` (close 1011) unless they
 * already carry a close code, so a buggy extension never ends a connection
 * with an untyped error.
 *
 * @example
 * asStageError(new Error('zlib failed')).closeCode; // 1011
 * asStageError(new InvalidDataError('bad')).closeCode; // 1007, unchanged
 */
export function asStageError(error: unknown): WebSocketError {
  if (error instanceof WebSocketError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ExtensionError(`extension stage failed: ${reason}`, { cause: error });
}

function asFrames(result: Frame | readonly Frame[]): readonly Frame[] {
  return Array.isArray(result) ? (result as readonly Frame[]) : [result as Frame];
}

function mapResult<T>(
  result: T | PromiseLike<T>,
  toFrames: (value: T) => readonly Frame[],
): readonly Frame[] | PromiseLike<readonly Frame[]> {
  if (!isThenable(result)) return toFrames(result);
  return Promise.resolve(result).then(toFrames, (error: unknown) => {
    throw asStageError(error);
  });
}

/**
 * Control frames pass through untouched; data frames go to `stage.process`.
 *
 * @example
 * const step = frameStep({ kind: 'frame', process: (f) => ({ ...f, rsv3: true }) });
 * step(createFrame(Opcode.Text, bytes), { signal }); // [{ …, rsv3: true }]
 */
export function frameStep(stage: FrameStage): StageStep {
  return (frame, context) => {
    if (isControlOpcode(frame.opcode)) return [frame];
    let result;
    try {
      result = stage.process(frame, context);
    } catch (error) {
      throw asStageError(error);
    }
    return mapResult(result, asFrames);
  };
}

/**
 * The single fin frame that carries a processed message.
 *
 * @example
 * messageToFrame({ opcode: Opcode.Binary, rsv1: true, rsv2: false, rsv3: false, data }); // { fin: true, rsv1: true, … }
 */
export function messageToFrame(message: Message): Frame {
  return {
    fin: true,
    rsv1: message.rsv1,
    rsv2: message.rsv2,
    rsv3: message.rsv3,
    opcode: message.opcode,
    payload: message.data,
  };
}

/**
 * Collects a message's data frames, hands the whole message to
 * `stage.process` and emits its result as one fin frame; control frames pass
 * through in position. Holds state, so call it once per stream or subscription.
 * UTF-8 is not checked here: the payload may still be extension-encoded; the
 * final assembler after all extensions validates it.
 *
 * @example
 * const step = messageStep({ kind: 'message', process: (m) => m });
 * step(createFrame(Opcode.Text, bytes('he'), { fin: false }), ctx); // []
 * step(createFrame(Opcode.Continuation, bytes('llo')), ctx);         // [one fin frame 'hello']
 */
export function messageStep(stage: MessageStage): StageStep {
  const assembler = new MessageAssembler({ validateUtf8: false });
  return (frame, context) => {
    if (isControlOpcode(frame.opcode)) return [frame];
    const message = assembler.push(frame);
    if (message === null) return NOTHING;
    let result;
    try {
      result = stage.process(message, context);
    } catch (error) {
      throw asStageError(error);
    }
    return mapResult(result, (processed) => [messageToFrame(processed)]);
  };
}

/**
 * Control frames around the extension stages, sans-I/O: the one place that
 * decides which frames go through a direction's stages and when a control
 * frame comes out. The stream adapter (`bypassControlFrames`) and the Rx
 * adapter (`bypassControlOperator` of `src/operators`) only move frames.
 *
 * Extensions transform data frames only (RFC 6455 §9, DESIGN.md): a stage
 * written for data (one that compresses every payload, say) must never see a
 * ping. So control frames never enter the stages, and they need not wait for
 * them either: RFC 6455 §5.4 lets a control frame go between the fragments of
 * a message, which is what keeps a ping answerable while a large message is
 * still being compressed.
 *
 * The ordering guarantee:
 *   - Ping and Pong (and any other control opcode) are emitted as soon as
 *     they are routed, ahead of data frames still inside the stages; control
 *     frames keep their order among themselves, data frames among theirs.
 *   - Close is different: it ends the data (RFC 6455 §5.5.1 — no data frame
 *     may follow a Close), so letting it overtake a slow message would cut
 *     that message off. A Close ends the stages' input and is emitted only
 *     once they have flushed everything written before it; control frames
 *     routed after it wait behind it (order among control frames is kept).
 *   - A data frame after a Close is a `ProtocolError` (1002).
 */
import type { Frame } from '../protocol/frame.js';
import { ProtocolError } from '../protocol/errors.js';
import { Opcode, isControlOpcode } from '../protocol/opcodes.js';

/** What the adapter must do with a routed frame. */
export type ControlRoute =
  /** A data frame: give it to the stages. */
  | 'data'
  /** A control frame: handled (emitted now, or held behind a Close). */
  | 'control'
  /** The first Close: handled like a control frame, and the stages' input must be ended now. */
  | 'end-data';

export interface ControlRouterHooks {
  /** A control frame leaves the direction now. */
  emit(frame: Frame): void;
}

/**
 * @example
 * const router = new ControlRouter({ emit: (frame) => output.push(frame) });
 * router.route(text('he', { fin: false })); // 'data' → give it to the stages
 * router.route(ping);                       // 'control' → already emitted
 * router.route(close);                      // 'end-data' → close the stages' input
 * // …once the stages have emitted their last frame:
 * router.dataEnded();                       // the Close (and what followed it) is emitted
 */
export class ControlRouter {
  readonly #hooks: ControlRouterHooks;
  /** Control frames waiting behind a Close for the stages to finish. */
  #held: Frame[] = [];
  #closeSeen = false;
  #dataEnded = false;

  constructor(hooks: ControlRouterHooks) {
    this.#hooks = hooks;
  }

  /** A Close has been routed: the stages get no more input. */
  get closeSeen(): boolean {
    return this.#closeSeen;
  }

  /** Control frames are waiting for the stages to finish. */
  get holding(): boolean {
    return this.#held.length > 0;
  }

  /**
   * Routes one frame in input order. Throws `ProtocolError` for a data frame
   * after a Close (nothing is routed then).
   */
  route(frame: Frame): ControlRoute {
    if (!isControlOpcode(frame.opcode)) {
      if (this.#closeSeen) {
        throw new ProtocolError(`data frame (opcode ${frame.opcode}) after a Close frame`);
      }
      return 'data';
    }
    const isFirstClose = frame.opcode === Opcode.Close && !this.#closeSeen;
    if (isFirstClose) this.#closeSeen = true;
    // Behind a Close that still waits, everything waits: control frames keep their order.
    if (this.#held.length > 0 || (isFirstClose && !this.#dataEnded)) this.#held.push(frame);
    else this.#hooks.emit(frame);
    return isFirstClose ? 'end-data' : 'control';
  }

  /** The stages have ended (after the input was ended) and emitted everything: release what waited. */
  dataEnded(): void {
    if (this.#dataEnded) return;
    this.#dataEnded = true;
    const held = this.#held;
    this.#held = [];
    for (const frame of held) this.#hooks.emit(frame);
  }
}

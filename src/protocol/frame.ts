import type { Opcode } from './opcodes.js';

/**
 * One WebSocket frame as extensions see it (RFC 6455 §5.2), already unmasked.
 * Data frames flow through extension pipelines; a message is the run of data
 * frames up to the one with `fin` set.
 */
export interface Frame {
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly opcode: Opcode;
  readonly payload: Uint8Array;
}

/** Which of the three reserved header bits are in use or allowed. */
export interface RsvBits {
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
}

export const NO_RSV_BITS: RsvBits = Object.freeze({ rsv1: false, rsv2: false, rsv3: false });

/** Builds a frame with the RSV bits cleared unless given. */
export function createFrame(
  opcode: Opcode,
  payload: Uint8Array,
  flags: Partial<Pick<Frame, 'fin' | 'rsv1' | 'rsv2' | 'rsv3'>> = {},
): Frame {
  return {
    fin: flags.fin ?? true,
    rsv1: flags.rsv1 ?? false,
    rsv2: flags.rsv2 ?? false,
    rsv3: flags.rsv3 ?? false,
    opcode,
    payload,
  };
}

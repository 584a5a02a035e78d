import type { RsvBits } from '../protocol/frame.js';
import type { ExtensionSession } from '../protocol/extension.js';

/**
 * RSV-bit bookkeeping. RFC 6455 §5.2: a receiver fails the connection on an
 * RSV bit no negotiated extension defines, and two extensions cannot share a
 * bit (the receiver could not tell whose it is). So the negotiators refuse
 * sharing, and the union of the active sessions' bits is exactly what the
 * frame decoder may allow.
 */
export type RsvBit = keyof RsvBits;

export const RSV_BIT_NAMES: readonly RsvBit[] = ['rsv1', 'rsv2', 'rsv3'];

/** The union of the bits the given sessions use. */
export function unionRsv(sessions: readonly Pick<ExtensionSession, 'rsv'>[]): RsvBits {
  let rsv1 = false;
  let rsv2 = false;
  let rsv3 = false;
  for (const { rsv } of sessions) {
    rsv1 ||= rsv.rsv1 === true;
    rsv2 ||= rsv.rsv2 === true;
    rsv3 ||= rsv.rsv3 === true;
  }
  return Object.freeze({ rsv1, rsv2, rsv3 });
}

/** The first bit both sets claim, or `null`. */
export function sharedRsvBit(a: Partial<RsvBits>, b: Partial<RsvBits>): RsvBit | null {
  for (const bit of RSV_BIT_NAMES) if (a[bit] === true && b[bit] === true) return bit;
  return null;
}

/** Which already-active session (if any) claims a bit that `candidate` wants too. */
export function findRsvConflict(
  candidate: Pick<ExtensionSession, 'rsv'>,
  active: readonly ExtensionSession[],
): { readonly bit: RsvBit; readonly holder: ExtensionSession } | null {
  for (const holder of active) {
    const bit = sharedRsvBit(candidate.rsv, holder.rsv);
    if (bit !== null) return { bit, holder };
  }
  return null;
}

/** Checks shared by the client and server factories. */
import type { ExtensionSession } from '../protocol/extension.js';
import { PERMESSAGE_DEFLATE, isWindowBits, type WindowBits } from './params.js';

/** A window-bits option, or a RangeError naming it. */
export function windowBitsOption(name: string, value: number): WindowBits {
  if (!isWindowBits(value)) throw new RangeError(`${name} must be an integer from 8 to 15, got ${value}`);
  return value;
}

/** Why this connection cannot take permessage-deflate (already there, or RSV1 taken), if it cannot. */
export function alreadyUsed(accepted: readonly ExtensionSession[]): string | undefined {
  if (accepted.some((session) => session.name === PERMESSAGE_DEFLATE)) return 'permessage-deflate was already negotiated';
  const holder = accepted.find((session) => session.rsv.rsv1);
  return holder ? `RSV1 is already used by ${holder.name}` : undefined;
}


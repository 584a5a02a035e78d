/** Frame opcodes of RFC 6455 §5.2. */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export type Opcode = (typeof Opcode)[keyof typeof Opcode];
/** The opcodes that start a data message. */
export type DataOpcode = typeof Opcode.Text | typeof Opcode.Binary;
export type ControlOpcode = typeof Opcode.Close | typeof Opcode.Ping | typeof Opcode.Pong;

/** Control frames have the high bit of the opcode set (0x8–0xF). */
export function isControlOpcode(opcode: number): opcode is ControlOpcode {
  return (opcode & 0x8) !== 0;
}

/** True for the six opcodes RFC 6455 defines; everything else is reserved. */
export function isKnownOpcode(opcode: number): opcode is Opcode {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xa);
}

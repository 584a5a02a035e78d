import { Opcode, type DataOpcode } from '../../protocol/opcodes.js';

/** True for the opcodes a whole message can have (text, binary). */
export function isDataOpcode(opcode: number): opcode is DataOpcode {
  return opcode === Opcode.Text || opcode === Opcode.Binary;
}

// Drives test/fixtures/python/deflate_peer.py (Python websockets' permessage-deflate) through pipes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON } from '../../support/peers.js';
import type { Frame } from '../../../src/protocol/frame.js';
import type { Opcode } from '../../../src/protocol/opcodes.js';

const SCRIPT = fileURLToPath(new URL('../../fixtures/python/deflate_peer.py', import.meta.url));

interface PyRecord {
  kind: string;
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  data: Buffer;
}

export class PythonPeer {
  readonly #child: ChildProcessWithoutNullStreams;
  #buffer = Buffer.alloc(0);
  #waiting: ((record: PyRecord) => void) | undefined;
  #stderr = '';

  constructor(mode: 'client' | 'server', options: Record<string, unknown>) {
    this.#child = spawn(PYTHON, [SCRIPT, mode, JSON.stringify(options)]);
    this.#child.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#deliver();
    });
  }

  #deliver(): void {
    if (!this.#waiting || this.#buffer.length < 8) return;
    const length = this.#buffer.readUInt32BE(4);
    if (this.#buffer.length < 8 + length) return;
    const record = {
      kind: String.fromCharCode(this.#buffer[0]!),
      fin: this.#buffer[1] === 1,
      rsv1: this.#buffer[2] === 1,
      opcode: this.#buffer[3]!,
      data: this.#buffer.subarray(8, 8 + length),
    };
    this.#buffer = this.#buffer.subarray(8 + length);
    const resolve = this.#waiting;
    this.#waiting = undefined;
    resolve(record);
  }

  read(): Promise<PyRecord> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`python peer silent; stderr: ${this.#stderr}`)), 10_000);
      this.#waiting = (record) => {
        clearTimeout(timer);
        resolve(record);
      };
      this.#deliver();
    });
  }

  write(kind: string, data: Uint8Array, frame?: Pick<Frame, 'fin' | 'rsv1' | 'opcode'>): void {
    const header = Buffer.alloc(8);
    header.write(kind, 0, 'latin1');
    header[1] = frame?.fin === false ? 0 : 1;
    header[2] = frame?.rsv1 ? 1 : 0;
    header[3] = frame?.opcode ?? 0;
    header.writeUInt32BE(data.length, 4);
    this.#child.stdin.write(Buffer.concat([header, data]));
  }

  /** Has Python websockets encode (E) or decode (D) one frame. */
  async frame(kind: 'E' | 'D', frame: Frame): Promise<Frame> {
    this.write(kind, frame.payload, frame);
    const record = await this.read();
    if (record.kind === 'X') throw new Error(`python: ${record.data.toString()}`);
    return {
      fin: record.fin,
      rsv1: record.rsv1,
      rsv2: false,
      rsv3: false,
      opcode: record.opcode as Opcode,
      payload: new Uint8Array(record.data),
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.stdin.end();
    });
  }
}

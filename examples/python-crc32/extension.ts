/**
 * `x-crc32`, written the way extensions for Python's `websockets` are written
 * (`websockets.extensions.base`): an `Extension` with `encode(frame)` and
 * `decode(frame, maxSize)`, a client factory with `getRequestParams()` /
 * `processResponseParams()` and a server factory with
 * `processRequestParams()`, all synchronous and frame by frame. wsx runs it
 * through `fromPythonStyleClientFactory` / `fromPythonStyleServerFactory`.
 *
 * Every data frame gets a CRC-32 of its payload appended and RSV3 set; the
 * receiver checks and strips it. It catches corruption the transport did not
 * (a buggy proxy, a broken buffer pool) frame by frame, and with
 * `maxSize` it also refuses oversized frames before checksumming them.
 *
 *   client offer:     x-crc32
 *   server response:  x-crc32
 */
import { InvalidDataError, NegotiationError, PayloadTooBigError, ProtocolError } from '../../src/protocol/index.js';
import { isControlOpcode } from '../../src/protocol/index.js';
import type {
  AcceptedExtension,
  PythonStyleClientExtensionFactory,
  PythonStyleExtension,
  PythonStyleFrame,
  PythonStyleParams,
  PythonStyleServerExtensionFactory,
} from '../../src/negotiation/index.js';
import { crc32 } from './crc32.js';

const NAME = 'x-crc32';
const CHECKSUM_LENGTH = 4;

export class Crc32Extension implements PythonStyleExtension {
  readonly name = NAME;
  readonly rsv = { rsv3: true };

  encode(frame: PythonStyleFrame): PythonStyleFrame {
    if (isControlOpcode(frame.opcode)) return frame;
    const data = new Uint8Array(frame.data.length + CHECKSUM_LENGTH);
    data.set(frame.data, 0);
    new DataView(data.buffer).setUint32(frame.data.length, crc32(frame.data));
    return { ...frame, rsv3: true, data };
  }

  decode(frame: PythonStyleFrame, { maxSize }: { readonly maxSize: number | null }): PythonStyleFrame {
    if (isControlOpcode(frame.opcode)) return frame;
    if (!frame.rsv3) throw new ProtocolError(`${NAME}: data frame without RSV3 (no checksum)`);
    const length = frame.data.length - CHECKSUM_LENGTH;
    if (length < 0) throw new InvalidDataError(`${NAME}: ${frame.data.length}-byte frame cannot hold a checksum`);
    if (maxSize !== null && length > maxSize) {
      throw new PayloadTooBigError(`${NAME}: frame of ${length} bytes exceeds ${maxSize}`, maxSize);
    }
    const data = frame.data.subarray(0, length);
    const view = new DataView(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    if (view.getUint32(length) !== crc32(data)) throw new InvalidDataError(`${NAME}: checksum mismatch`);
    return { ...frame, rsv3: false, data };
  }
}

export class ClientCrc32Factory implements PythonStyleClientExtensionFactory {
  readonly name = NAME;

  getRequestParams(): PythonStyleParams {
    return [];
  }

  processResponseParams(params: PythonStyleParams, accepted: readonly AcceptedExtension[]): PythonStyleExtension {
    if (params.length > 0) throw new NegotiationError(`${NAME}: unexpected parameter ${params[0]![0]} in response`);
    if (accepted.some((e) => e instanceof Crc32Extension)) throw new NegotiationError(`${NAME}: answered twice`);
    return new Crc32Extension();
  }
}

export class ServerCrc32Factory implements PythonStyleServerExtensionFactory {
  readonly name = NAME;

  processRequestParams(
    params: PythonStyleParams,
    accepted: readonly AcceptedExtension[],
  ): readonly [PythonStyleParams, PythonStyleExtension] {
    // As websockets' factories do: raise NegotiationError to pass on an offer.
    if (params.length > 0) throw new NegotiationError(`${NAME}: unexpected parameter ${params[0]![0]}`);
    if (accepted.some((e) => e instanceof Crc32Extension)) throw new NegotiationError(`${NAME}: skipped duplicate`);
    return [[], new Crc32Extension()];
  }
}

// A Python-style port of the "deflate-frame" extension
// (draft-tyoshino-hybi-websocket-perframe-deflate), restricted to
// no_context_takeover: each data frame is compressed on its own with raw
// DEFLATE, the trailing 00 00 ff ff of the sync flush removed, RSV1 set.
// Written the way a websockets user writes extensions, to exercise the adapter.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { InvalidParameterName, InvalidParameterValue, NegotiationError, PayloadTooBigError } from '../../../src/protocol/errors.js';
import type {
  AcceptedExtension,
  PythonStyleClientExtensionFactory,
  PythonStyleExtension,
  PythonStyleFrame,
  PythonStyleParams,
  PythonStyleServerExtensionFactory,
} from '../../../src/negotiation/adapters/pythonStyle.js';

const NAME = 'deflate-frame';
const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

export class DeflateFrame implements PythonStyleExtension {
  readonly name = NAME;
  readonly rsv = { rsv1: true };

  encode(frame: PythonStyleFrame): PythonStyleFrame {
    if (frame.opcode >= 0x8) return frame;
    const out = deflateRawSync(frame.data, { finishFlush: constants.Z_SYNC_FLUSH });
    return { ...frame, rsv1: true, data: out.subarray(0, out.length - TAIL.length) };
  }

  decode(frame: PythonStyleFrame, { maxSize }: { maxSize: number | null }): PythonStyleFrame {
    if (frame.opcode >= 0x8 || !frame.rsv1) return frame;
    const input = Buffer.concat([frame.data, TAIL]);
    try {
      const data = inflateRawSync(input, { finishFlush: constants.Z_SYNC_FLUSH, ...(maxSize === null ? {} : { maxOutputLength: maxSize }) });
      return { ...frame, rsv1: false, data };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new PayloadTooBigError(`frame exceeds ${maxSize} bytes once inflated`, maxSize!, { cause: error });
      }
      throw error;
    }
  }
}

function checkParams(params: PythonStyleParams): void {
  let seen = false;
  for (const [name, value] of params) {
    if (name !== 'no_context_takeover') throw new InvalidParameterName(name, NAME);
    if (value !== null) throw new InvalidParameterValue(name, value, NAME);
    if (seen) throw new NegotiationError(`duplicate ${name}`);
    seen = true;
  }
  if (!seen) throw new NegotiationError('this implementation requires no_context_takeover');
}

export class ClientDeflateFrameFactory implements PythonStyleClientExtensionFactory {
  readonly name = NAME;
  getRequestParams(): PythonStyleParams {
    return [['no_context_takeover', null]];
  }
  processResponseParams(params: PythonStyleParams, accepted: readonly AcceptedExtension[]): PythonStyleExtension {
    if (accepted.some((other) => other.name === NAME)) throw new NegotiationError(`received duplicate ${NAME}`);
    checkParams(params);
    return new DeflateFrame();
  }
}

export class ServerDeflateFrameFactory implements PythonStyleServerExtensionFactory {
  readonly name = NAME;
  readonly seenOffers: PythonStyleParams[] = [];
  processRequestParams(params: PythonStyleParams, accepted: readonly AcceptedExtension[]): [PythonStyleParams, PythonStyleExtension] {
    this.seenOffers.push(params);
    if (accepted.some((other) => other.name === NAME)) throw new NegotiationError(`skipped duplicate ${NAME}`);
    checkParams(params);
    return [[['no_context_takeover', null]], new DeflateFrame()];
  }
}

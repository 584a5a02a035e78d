// "x-rolling-xor": a small but stateful wsx extension used to test adapters.
// Message i (counting from 0 per direction) has every byte XORed with
// (key + i) mod 256 and is marked with RSV2. Because the key rolls, a stage
// that loses state between messages, or reorders them, corrupts the data.
// It can be built in each stage form, so every form is exercised.
import { InvalidParameterName, InvalidParameterValue, NegotiationError } from '../../../src/protocol/errors.js';
import type {
  ClientExtensionFactory,
  ExtensionParams,
  ExtensionSession,
  ServerExtensionFactory,
  Stage,
} from '../../../src/protocol/extension.js';
import type { Frame } from '../../../src/protocol/frame.js';

export const NAME = 'x-rolling-xor';
export type StageForm = 'message' | 'frame' | 'transform';

const xor = (data: Uint8Array, key: number) => data.map((b) => b ^ key);

function parseKey(params: ExtensionParams): number {
  let key: number | undefined;
  for (const [name, value] of params) {
    if (name !== 'key') throw new InvalidParameterName(name, NAME);
    if (key !== undefined) throw new NegotiationError(`duplicate key in ${NAME}`);
    if (value === true || !/^[0-9]{1,3}$/.test(value) || Number(value) > 255) throw new InvalidParameterValue(name, value, NAME);
    key = Number(value);
  }
  if (key === undefined) throw new NegotiationError(`${NAME} needs a key`);
  return key;
}

function stage(form: StageForm, key: number, encode: boolean): Stage {
  let index = 0;
  const apply = (rsv2: boolean, data: Uint8Array): [boolean, Uint8Array] =>
    encode ? [true, xor(data, (key + index) & 0xff)] : rsv2 ? [false, xor(data, (key + index) & 0xff)] : [false, data];
  switch (form) {
    case 'message':
      return {
        kind: 'message',
        process(message) {
          const [rsv2, data] = apply(message.rsv2, message.data);
          index++;
          return { ...message, rsv2, data };
        },
      };
    case 'frame': {
      let first: Frame | null = null; // RSV2 marks a message through its first frame
      return {
        kind: 'frame',
        process(frame) {
          first ??= frame;
          const [rsv2, payload] = apply(first.rsv2, frame.payload);
          const out = { ...frame, rsv2: frame === first ? rsv2 : false, payload };
          if (frame.fin) {
            index++;
            first = null;
          }
          return out;
        },
      };
    }
    case 'transform':
      return { kind: 'transform', create: () => xorTransform(apply, () => index++) };
  }
}

function xorTransform(apply: (rsv2: boolean, data: Uint8Array) => [boolean, Uint8Array], next: () => void) {
  let first: Frame | null = null;
  return new TransformStream<Frame, Frame>({
    transform(frame, controller) {
      first ??= frame;
      const [rsv2, payload] = apply(first.rsv2, frame.payload);
      controller.enqueue({ ...frame, rsv2: frame === first ? rsv2 : false, payload });
      if (frame.fin) {
        next();
        first = null;
      }
    },
  });
}

export interface RollingXorSession extends ExtensionSession {
  closed: number;
}

function session(form: StageForm, params: ExtensionParams): RollingXorSession {
  const key = parseKey(params);
  const s: RollingXorSession = {
    name: NAME,
    params,
    rsv: { rsv2: true },
    outgoing: stage(form, key, true),
    incoming: stage(form, key, false),
    closed: 0,
    close() {
      s.closed++;
    },
  };
  return s;
}

export function rollingXorClient(form: StageForm, key: number, created: RollingXorSession[] = []): ClientExtensionFactory {
  return {
    name: NAME,
    offer: () => [[['key', String(key)]]],
    accept(params) {
      const s = session(form, params);
      created.push(s);
      return s;
    },
  };
}

export function rollingXorServer(form: StageForm, created: RollingXorSession[] = []): ServerExtensionFactory {
  return {
    name: NAME,
    respond(offers) {
      for (const params of offers) {
        try {
          const s = session(form, params);
          created.push(s);
          return { params, session: s };
        } catch (error) {
          if (!(error instanceof NegotiationError)) throw error;
        }
      }
      return null;
    },
  };
}

/** What message i of `data` looks like on the wire. */
export function expectedWire(data: Uint8Array, key: number, i: number): Uint8Array {
  return xor(Uint8Array.from(data), (key + i) & 0xff);
}

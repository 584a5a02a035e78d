/**
 * Adapter for Python websockets' extension model
 * (`websockets.extensions.base`): an extension works frame by frame with
 * `decode(frame, max_size)` / `encode(frame)`, a client factory offers one
 * parameter list (`get_request_params`) and checks the answer
 * (`process_response_params`), a server factory is asked once per offer
 * (`process_request_params`) and raises `NegotiationError` to pass on it.
 * Method names are camelCase; parameters keep Python's shape, `[name, value]`
 * with `null` for a bare parameter (Python's `None`).
 */
import { ExtensionError, InvalidDataError, NegotiationError, WebSocketError } from '../../protocol/errors.js';
import type {
  ClientExtensionFactory,
  ExtensionParams,
  ExtensionSession,
  FrameStage,
  ServerExtensionFactory,
  SessionOptions,
} from '../../protocol/extension.js';
import type { Frame, RsvBits } from '../../protocol/frame.js';
import type { Opcode } from '../../protocol/opcodes.js';

/** Python websockets' parameter list: `null` stands for a bare parameter (`None`). */
export type PythonStyleParams = readonly (readonly [name: string, value: string | null])[];

/** Python websockets' `Frame`: `data` where wsx says `payload`. */
export interface PythonStyleFrame {
  readonly opcode: Opcode;
  readonly data: Uint8Array;
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
}

export interface PythonStyleExtension {
  readonly name: string;
  /** Undoes the extension on a received frame; `maxSize` is the message limit (`null`: none). */
  decode(frame: PythonStyleFrame, options: { readonly maxSize: number | null }): PythonStyleFrame;
  encode(frame: PythonStyleFrame): PythonStyleFrame;
  /**
   * RSV bits the extension uses. Python has no such declaration (its frame
   * check runs after decoding); wsx needs it to negotiate and to validate
   * incoming frames, so declare it here or in the adapter's options.
   */
  readonly rsv?: Partial<RsvBits>;
}

/** What the factories see as already accepted: Python-style extensions, or native wsx sessions. */
export type AcceptedExtension = PythonStyleExtension | ExtensionSession;

export interface PythonStyleClientExtensionFactory {
  readonly name: string;
  getRequestParams(): PythonStyleParams;
  /** Returns the extension, or throws `NegotiationError` to fail the connection. */
  processResponseParams(params: PythonStyleParams, accepted: readonly AcceptedExtension[]): PythonStyleExtension;
}

export interface PythonStyleServerExtensionFactory {
  readonly name: string;
  /** Answers one offer, or throws `NegotiationError` to pass on it (the next offer is tried). */
  processRequestParams(
    params: PythonStyleParams,
    accepted: readonly AcceptedExtension[],
  ): readonly [response: PythonStyleParams, extension: PythonStyleExtension];
}

export interface PythonStyleAdapterOptions {
  /** RSV bits of the extension when it does not declare `rsv` itself. */
  readonly rsv?: Partial<RsvBits>;
}

/**
 * Wraps a Python-style client factory as a wsx `ClientExtensionFactory`.
 *
 * @example
 * ```ts
 * const client = new ClientNegotiator([fromPythonStyleClientFactory(myPortedFactory, { rsv: { rsv1: true } })]);
 * ```
 */
export function fromPythonStyleClientFactory(
  factory: PythonStyleClientExtensionFactory,
  adapterOptions: PythonStyleAdapterOptions = {},
): ClientExtensionFactory {
  return {
    name: factory.name,
    offer: () => [toWsxParams(factory.getRequestParams())],
    accept(params, accepted, options) {
      const extension = factory.processResponseParams(toPythonParams(params), accepted.map(originalOf));
      return pythonStyleSession(extension, params, adapterOptions, options);
    },
  };
}

/**
 * Wraps a Python-style server factory as a wsx `ServerExtensionFactory`: the
 * offers are tried one at a time in the client's order, as websockets does.
 */
export function fromPythonStyleServerFactory(
  factory: PythonStyleServerExtensionFactory,
  adapterOptions: PythonStyleAdapterOptions = {},
): ServerExtensionFactory {
  return {
    name: factory.name,
    respond(offers, accepted, options) {
      const seen = accepted.map(originalOf);
      for (const offer of offers) {
        let answer: readonly [PythonStyleParams, PythonStyleExtension];
        try {
          answer = factory.processRequestParams(toPythonParams(offer), seen);
        } catch (error) {
          if (error instanceof NegotiationError) continue;
          throw error;
        }
        const params = toWsxParams(answer[0]);
        return { params, session: pythonStyleSession(answer[1], params, adapterOptions, options) };
      }
      return null;
    },
  };
}

/** Sessions made here remember their Python-style extension, so factories see what they created. */
const originals = new WeakMap<ExtensionSession, PythonStyleExtension>();
const originalOf = (session: ExtensionSession): AcceptedExtension => originals.get(session) ?? session;

function pythonStyleSession(
  extension: PythonStyleExtension,
  params: ExtensionParams,
  adapterOptions: PythonStyleAdapterOptions,
  options: SessionOptions | undefined,
): ExtensionSession {
  const limit = options?.maxMessageSize;
  const maxSize = limit === undefined || limit === Infinity ? null : limit;
  // An untyped failure while decoding means the peer's data could not be
  // decoded (1007); while encoding, our side failed (1011).
  const stage = (run: (frame: PythonStyleFrame) => PythonStyleFrame, Failure: typeof InvalidDataError | typeof ExtensionError): FrameStage => ({
    kind: 'frame',
    concurrency: 1, // Python extensions are stateful and synchronous: strictly one frame at a time
    process(frame) {
      try {
        return toWsxFrame(run(toPythonFrame(frame)));
      } catch (error) {
        if (error instanceof WebSocketError) throw error;
        throw new Failure(`${extension.name}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    },
  });
  const session: ExtensionSession = {
    name: extension.name,
    params,
    rsv: { ...(extension.rsv ?? adapterOptions.rsv ?? {}) },
    outgoing: stage((frame) => extension.encode(frame), ExtensionError),
    incoming: stage((frame) => extension.decode(frame, { maxSize }), InvalidDataError),
    close: () => undefined, // Python-style extensions hold nothing that needs releasing
  };
  originals.set(session, extension);
  return session;
}

export function toPythonParams(params: ExtensionParams): PythonStyleParams {
  return params.map(([name, value]) => [name, value === true ? null : value] as const);
}

export function toWsxParams(params: PythonStyleParams): ExtensionParams {
  return params.map(([name, value]) => [name, value === null ? true : value] as const);
}

function toPythonFrame(frame: Frame): PythonStyleFrame {
  const { opcode, payload, fin, rsv1, rsv2, rsv3 } = frame;
  return { opcode, data: payload, fin, rsv1, rsv2, rsv3 };
}

function toWsxFrame(frame: PythonStyleFrame): Frame {
  const { opcode, data, fin, rsv1, rsv2, rsv3 } = frame;
  return { opcode, payload: data, fin, rsv1, rsv2, rsv3 };
}

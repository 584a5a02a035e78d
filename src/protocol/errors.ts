import { CloseCode } from './closeCodes.js';

/**
 * Base of every error wsx raises for bad input. `closeCode` is the status the
 * connection is closed with when the error ends it (RFC 6455 §7.4.1);
 * `httpStatus` is set on errors that can happen during the HTTP handshake.
 */
export class WebSocketError extends Error {
  readonly closeCode: number;
  readonly httpStatus: number | undefined;

  constructor(message: string, closeCode: number, options?: { cause?: unknown; httpStatus?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.closeCode = closeCode;
    this.httpStatus = options?.httpStatus;
  }
}

/** The peer broke a rule of RFC 6455 framing (close 1002). */
export class ProtocolError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, CloseCode.ProtocolError, options);
  }
}

/** Data that does not fit its type: invalid UTF-8, corrupt compressed data (close 1007). */
export class InvalidDataError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, CloseCode.InvalidData, options);
  }
}

/** A frame or message larger than the configured limit (close 1009). */
export class PayloadTooBigError extends WebSocketError {
  readonly limit: number;
  constructor(message: string, limit: number, options?: { cause?: unknown }) {
    super(message, CloseCode.MessageTooBig, options);
    this.limit = limit;
  }
}

/**
 * An extension failed while running (close 1011, internal error). Not 1010:
 * RFC 6455 §7.4.1 keeps that for a client whose required extension was not
 * negotiated (`NegotiationError`). Data an incoming extension cannot decode
 * is the peer's fault: `InvalidDataError` (1007).
 */
export class ExtensionError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown; closeCode?: number; httpStatus?: number }) {
    super(message, options?.closeCode ?? CloseCode.InternalError, options);
  }
}

/** An application policy refused the message or connection (close 1008). */
export class PolicyViolationError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(message, CloseCode.PolicyViolation, options);
  }
}

/** The peer vanished without a close handshake (reported as 1006, never sent). */
export class ConnectionLostError extends WebSocketError {
  constructor(message = 'connection lost without a close frame', options?: { cause?: unknown }) {
    super(message, CloseCode.Abnormal, options);
  }
}

/**
 * Extension negotiation failed. A client fails the connection with 1010; a
 * server answers a malformed `Sec-WebSocket-Extensions` request with HTTP 400.
 */
export class NegotiationError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, CloseCode.MandatoryExtension, { ...options, httpStatus: 400 });
  }
}

/** The same extension parameter appeared twice in one offer or response. */
export class DuplicateParameter extends NegotiationError {
  readonly parameter: string;
  constructor(parameter: string, extension?: string) {
    super(`duplicate parameter ${parameter}${extension ? ` in ${extension}` : ''}`);
    this.parameter = parameter;
  }
}

/** An extension parameter this extension does not define. */
export class InvalidParameterName extends NegotiationError {
  readonly parameter: string;
  constructor(parameter: string, extension?: string) {
    super(`unknown parameter ${parameter}${extension ? ` in ${extension}` : ''}`);
    this.parameter = parameter;
  }
}

/** A known extension parameter with a value it does not allow. */
export class InvalidParameterValue extends NegotiationError {
  readonly parameter: string;
  readonly value: string | true;
  constructor(parameter: string, value: string | true, extension?: string, reason?: string) {
    const shown = value === true ? '(no value)' : JSON.stringify(value);
    super(
      `invalid value ${shown} for parameter ${parameter}${extension ? ` in ${extension}` : ''}` +
        (reason ? `: ${reason}` : ''),
    );
    this.parameter = parameter;
    this.value = value;
  }
}

/** The HTTP upgrade itself was malformed or refused; `httpStatus` says how to answer it. */
export class HandshakeError extends WebSocketError {
  constructor(message: string, httpStatus: number, options?: { cause?: unknown }) {
    super(message, CloseCode.ProtocolError, { ...options, httpStatus });
  }
}

/**
 * A bounded buffer between a producer that cannot be paused (an Observable)
 * and a slower consumer overflowed; the data is dropped with an error rather
 * than memory growing without limit (close 1011: this side cannot keep up).
 */
export class BufferOverflowError extends WebSocketError {
  readonly limit: number;
  constructor(message: string, limit: number, options?: { cause?: unknown }) {
    super(message, CloseCode.InternalError, options);
    this.limit = limit;
  }
}

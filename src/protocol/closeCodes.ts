/** Close status codes of RFC 6455 §7.4.1 (and the IANA registry). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: never sent on the wire, reported when a close frame had no code. */
  NoStatus: 1005,
  /** Reserved: never sent on the wire, reported when the connection dropped. */
  Abnormal: 1006,
  InvalidData: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** Reserved: never sent on the wire, reported when the TLS handshake failed. */
  TlsHandshake: 1015,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether `code` may appear in a close frame on the wire (RFC 6455 §7.4):
 * 1000–1003 and 1007–1014 are defined, 3000–4999 belong to libraries and
 * applications; 1004–1006, 1015 and everything else are forbidden.
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

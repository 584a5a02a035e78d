/**
 * Negotiation of `x-aes-gcm` (RSV2 marks encrypted messages):
 *
 *   client offer:     x-aes-gcm; client_key=<P-256 point>; client_nonce=<16 bytes>
 *   server response:  x-aes-gcm; server_key=<P-256 point>; server_nonce=<16 bytes>; client_nonce=<echo>
 *
 * The server echoes the client's nonce so that a client factory shared by
 * several connections in flight knows which handshake a response belongs to.
 * (values in base64url, which is made of token characters). A server declines
 * an offer it cannot use; a client fails the connection (1010) on a response
 * it cannot use. Both factories are created asynchronously because WebCrypto
 * key generation is; after that, negotiation is synchronous as the contract
 * requires, and the session derives its keys while the handshake finishes.
 */
import {
  DuplicateParameter,
  InvalidParameterName,
  InvalidParameterValue,
  NegotiationError,
  type ClientExtensionFactory,
  type ExtensionParams,
  type ExtensionSession,
  type ServerExtensionFactory,
} from '../../src/protocol/index.js';
import { encodeBase64url } from './base64url.js';
import {
  deriveDirectionKeys,
  generateEcdhKeyPair,
  parseNonce,
  parsePublicKey,
  randomNonce,
  type EcdhKeyPair,
} from './keyAgreement.js';
import { MessageCipher } from './messageCipher.js';
import { createAesGcmSession, type AesGcmOptions } from './session.js';

export const AES_GCM_EXTENSION = 'x-aes-gcm';
const MAX_PENDING_OFFERS = 256;

/**
 * @example
 * const aes = await AesGcmClientFactory.create();
 * const conn = await connect('ws://127.0.0.1:8080', { extensions: [deflateClient, aes] }); // compress, then encrypt
 */
export class AesGcmClientFactory implements ClientExtensionFactory {
  readonly name = AES_GCM_EXTENSION;
  /** Nonces offered and not yet answered (base64url → bytes), oldest first, bounded. */
  readonly #pending = new Map<string, Uint8Array>();

  private constructor(
    private readonly keyPair: EcdhKeyPair,
    private readonly options: AesGcmOptions,
  ) {}

  static async create(options: AesGcmOptions = {}): Promise<AesGcmClientFactory> {
    return new AesGcmClientFactory(await generateEcdhKeyPair(), options);
  }

  offer(): ExtensionParams[] {
    const nonce = randomNonce();
    const encoded = encodeBase64url(nonce);
    this.#pending.set(encoded, nonce);
    // Handshakes that never got an answer must not grow this without bound.
    if (this.#pending.size > MAX_PENDING_OFFERS) this.#pending.delete(this.#pending.keys().next().value!);
    return [
      [
        ['client_key', encodeBase64url(this.keyPair.publicKey)],
        ['client_nonce', encoded],
      ],
    ];
  }

  accept(params: ExtensionParams): ExtensionSession {
    const values = readParams(params, ['server_key', 'server_nonce', 'client_nonce']);
    const serverKey = required(values, 'server_key', parsePublicKey);
    const serverNonce = required(values, 'server_nonce', parseNonce);
    const echoed = values.get('client_nonce');
    const clientNonce = echoed === undefined ? undefined : this.#pending.get(echoed);
    if (!clientNonce) throw new NegotiationError(`${AES_GCM_EXTENSION}: response does not answer an offer of this client`);
    this.#pending.delete(echoed!); // a nonce serves one handshake only
    const keys = deriveDirectionKeys({
      role: 'client',
      ownPrivateKey: this.keyPair.privateKey,
      peerPublicKey: serverKey,
      clientPublicKey: this.keyPair.publicKey,
      serverPublicKey: serverKey,
      clientNonce,
      serverNonce,
    });
    return createAesGcmSession(params, new MessageCipher(keys), this.options);
  }
}

/**
 * @example
 * const aes = await AesGcmServerFactory.create();
 * serve(handler, { extensions: [deflateServer, aes] });
 */
export class AesGcmServerFactory implements ServerExtensionFactory {
  readonly name = AES_GCM_EXTENSION;

  private constructor(
    private readonly keyPair: EcdhKeyPair,
    private readonly options: AesGcmOptions,
  ) {}

  static async create(options: AesGcmOptions = {}): Promise<AesGcmServerFactory> {
    return new AesGcmServerFactory(await generateEcdhKeyPair(), options);
  }

  respond(offers: readonly ExtensionParams[]): { params: ExtensionParams; session: ExtensionSession } | null {
    for (const offer of offers) {
      let clientKey: Uint8Array;
      let clientNonce: Uint8Array;
      try {
        const values = readParams(offer, ['client_key', 'client_nonce']);
        clientKey = required(values, 'client_key', parsePublicKey);
        clientNonce = required(values, 'client_nonce', parseNonce);
      } catch (error) {
        if (error instanceof NegotiationError) continue; // decline this offer, try the next
        throw error;
      }
      const serverNonce = randomNonce();
      const params: ExtensionParams = [
        ['server_key', encodeBase64url(this.keyPair.publicKey)],
        ['server_nonce', encodeBase64url(serverNonce)],
        ['client_nonce', encodeBase64url(clientNonce)],
      ];
      const keys = deriveDirectionKeys({
        role: 'server',
        ownPrivateKey: this.keyPair.privateKey,
        peerPublicKey: clientKey,
        clientPublicKey: clientKey,
        serverPublicKey: this.keyPair.publicKey,
        clientNonce,
        serverNonce,
      });
      return { params, session: createAesGcmSession(params, new MessageCipher(keys), this.options) };
    }
    return null;
  }
}

/** Parameters by name, refusing unknown names, duplicates and bare names. */
function readParams(params: ExtensionParams, known: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of params) {
    if (!known.includes(name)) throw new InvalidParameterName(name, AES_GCM_EXTENSION);
    if (values.has(name)) throw new DuplicateParameter(name, AES_GCM_EXTENSION);
    if (value === true) throw new InvalidParameterValue(name, value, AES_GCM_EXTENSION, 'a value is required');
    values.set(name, value);
  }
  return values;
}

function required(values: Map<string, string>, name: string, parse: (v: string) => Uint8Array | undefined): Uint8Array {
  const raw = values.get(name);
  if (raw === undefined) throw new NegotiationError(`${AES_GCM_EXTENSION}: missing parameter ${name}`);
  const parsed = parse(raw);
  if (!parsed) throw new InvalidParameterValue(name, raw, AES_GCM_EXTENSION, name.endsWith('_key') ? 'not a P-256 public key' : 'not a 16-byte nonce');
  return parsed;
}

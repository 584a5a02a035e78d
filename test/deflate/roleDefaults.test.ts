// The factories' role defaults (README "Defaults"): a server compresses with
// lowMemoryBackend at memLevel 4, a client with native zlib at memLevel 8.
// Checked on the bytes: each configuration emits its own deterministic output.
import { describe, expect, it } from 'vitest';
import type { ZlibBackend } from '../../src/deflate/backend.js';
import { ClientPerMessageDeflateFactory } from '../../src/deflate/clientFactory.js';
import { PerMessageCompressor } from '../../src/deflate/compressor.js';
import { lowMemoryBackend } from '../../src/deflate/lowMemoryBackend.js';
import { minizlibBackend } from '../../src/deflate/minizlibBackend.js';
import { ServerPerMessageDeflateFactory } from '../../src/deflate/serverFactory.js';
import type { PerMessageDeflateSession } from '../../src/deflate/session.js';
import { ClientNegotiator, ServerNegotiator } from '../../src/negotiation/index.js';
import type { StageContext } from '../../src/protocol/extension.js';
import { createFrame, type Frame } from '../../src/protocol/frame.js';
import { Opcode } from '../../src/protocol/opcodes.js';
import { hex, prose, randomBytes } from './backends.js';

const context: StageContext = { signal: new AbortController().signal };
// memLevel shows in the output through the block size (a block ends when its
// 2^(memLevel+6)-symbol buffer fills): random letters are ~3,500 literals,
// 4 blocks at memLevel 4, 2 at 5, 1 at 8. Below NATIVE_FROM, so the server's
// pako deflater handles them.
const letters = (length: number, seed: number) => randomBytes(length, seed).map((b) => 97 + (b % 26));
const messages = [letters(3_500, 21), prose(2_500, 22), letters(3_000, 23)];

function sessions(): { client: PerMessageDeflateSession; server: PerMessageDeflateSession } {
  const negotiator = new ClientNegotiator([new ClientPerMessageDeflateFactory()]);
  const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory()]).respond(negotiator.offer());
  return {
    client: negotiator.accept(answer.header).sessions[0] as PerMessageDeflateSession,
    server: answer.sessions[0] as PerMessageDeflateSession,
  };
}

function wireOf(session: PerMessageDeflateSession): string[] {
  return messages.map((m) => hex((session.outgoing.process(createFrame(Opcode.Binary, m), context) as Frame).payload));
}

function reference(backend: ZlibBackend, memLevel: number): string[] {
  const c = new PerMessageCompressor({ backend, windowBits: 12, compressSettings: { memLevel } });
  return messages.map((m) => hex(c.process(createFrame(Opcode.Binary, m)).payload));
}

describe('factory role defaults', () => {
  it('the server compresses like lowMemoryBackend at window 12, memLevel 4', () => {
    const wire = wireOf(sessions().server);
    expect(wire).toEqual(reference(lowMemoryBackend, 4));
    expect(wire).not.toEqual(reference(lowMemoryBackend, 5));
    expect(wire).not.toEqual(reference(minizlibBackend, 4));
  });

  it('the client compresses like native zlib at window 12, memLevel 8', () => {
    const wire = wireOf(sessions().client);
    expect(wire).toEqual(reference(minizlibBackend, 8));
    expect(wire).not.toEqual(reference(minizlibBackend, 5));
  });

  it('an explicit memLevel or backend still wins', () => {
    const negotiator = new ClientNegotiator([new ClientPerMessageDeflateFactory({ compressSettings: { memLevel: 5 } })]);
    const answer = new ServerNegotiator([new ServerPerMessageDeflateFactory({ backend: minizlibBackend, compressSettings: { memLevel: 5 } })]).respond(
      negotiator.offer(),
    );
    expect(wireOf(answer.sessions[0] as PerMessageDeflateSession)).toEqual(reference(minizlibBackend, 5));
    expect(wireOf(negotiator.accept(answer.header).sessions[0] as PerMessageDeflateSession)).toEqual(reference(minizlibBackend, 5));
  });
});

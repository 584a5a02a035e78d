// Real external peers (Python websockets, Chromium) may be missing on a
// developer's machine: their tests skip there. Under CI=true a missing peer is
// a failure, never a skip.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** Returns true when the peer can run; throws under CI when it cannot. */
export function peerAvailable(name: string, available: boolean): boolean {
  if (available) return true;
  if (inCI) throw new Error(`required test peer missing under CI: ${name}`);
  return false;
}

export const PYTHON = '/usr/bin/python3';
export const CHROMIUM = '/usr/bin/chromium';

export function hasPythonWebsockets(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import websockets'], { stdio: 'ignore' }).status === 0;
}

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

// Keys and environment for the real payment providers' tests: generated RSA keys written to PEM files, the
// process environment set and restored around a test file, and a log stream the tests scan for key material.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RsaKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

export function rsaKeys(format: 'pkcs1' | 'pkcs8' = 'pkcs8'): RsaKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: format, format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The base64 lines of a PEM: what a leak of the key would show. */
export const pemBody = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));

export class KeyDir {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'terrace-paykeys-'));
  write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  }
  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sets process variables (undefined removes one) and answers a function that restores them as they were. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export { LogCapture } from './log-capture.ts';

/**
 * Whether a text shows any of the secrets: a whole secret, or any 24-character run of a key's base64 body (a key
 * cut up or wrapped differently still shows such runs).
 */
export function leaks(text: string, secrets: string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const lines = secret.includes('-----BEGIN') ? pemBody(secret).join('') : secret;
    const runs = lines.length <= 32 ? [lines] : Array.from({ length: Math.floor(lines.length / 24) }, (_, i) => lines.slice(i * 24, i * 24 + 24));
    if (runs.some((r) => text.includes(r))) found.push(secret.slice(0, 16) + '…');
  }
  return found;
}

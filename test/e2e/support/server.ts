import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_PASSWORD } from '../../support/constants.ts';

export interface ServerProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const tempDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-e2e-'));

/**
 * Starts the real server as a child process on a free port, and resolves once it prints that it is ready. It rejects
 * with the server's output if the process exits first. By default it runs `src/main.ts` through tsx; `npmStart` runs
 * `scripts/start.mjs`, as `npm start` does (the compiled server).
 */
export function startServerProcess(options: { dataDir?: string; env?: Record<string, string>; timeoutMs?: number; npmStart?: boolean } = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  // npm start turns on the embedded RTMP ingest at 1935; here it takes a free port, as every test server may run at once.
  const child = spawn(process.execPath, options.npmStart ? ['scripts/start.mjs'] : ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TERRACE_DEMO_PASSWORD: TEST_PASSWORD,
      LOG_LEVEL: 'warn',
      // A browser test signs in as one role after another from one address, more than a person would in a minute;
      // the sign-in limit itself is tested in src/server/http-hardening.test.ts.
      LOGIN_RATE_LIMIT_PER_MINUTE: '600',
      ...(options.npmStart ? { LIVE_RTMP_PORT: '0', LIVE_RTMP_BIND: '127.0.0.1' } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`server did not start in time:\n${out}`));
    }, options.timeoutMs ?? Number(process.env.E2E_START_TIMEOUT_MS ?? 90_000));
    const onData = () => {
      const match = out.match(/ready:\s+(http:\/\/localhost:\d+)/);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve({ url: match[1], dataDir, child, output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}:\n${out}`), { code, output: out }));
    });
  });
}

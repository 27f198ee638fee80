import fs from 'node:fs';
import path from 'node:path';
import { DataDirLockedError } from './db/lock.ts';
import { DEMO_ACCOUNTS } from './modules/governance/index.ts';
import { loadConfig } from './server/config.ts';
import { closeOnSignals } from './server/shutdown.ts';
import { startServer } from './start.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const started = Date.now();
  const config = loadConfig();
  say(`Terrace 正在启动 / starting on ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`}`);
  let server;
  try {
    server = await startServer(config, say);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`\n无法启动 / Cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const passwordFile = path.join(config.dataDir, 'demo-password.txt');
  let passwordNote: string;
  if (server.seed.seeded) {
    say('已创建演示县：松阳县 / Seeded the demo county: Songyang');
    if (!config.demoPassword && !config.databaseUrl) {
      fs.writeFileSync(passwordFile, `${server.seed.password}\n`, { mode: 0o600 });
    }
    passwordNote = config.demoPassword ? '(TERRACE_DEMO_PASSWORD)' : `${server.seed.password}`;
  } else {
    passwordNote = config.demoPassword
      ? '(TERRACE_DEMO_PASSWORD)'
      : fs.existsSync(passwordFile)
        ? `${fs.readFileSync(passwordFile, 'utf8').trim()}  (${passwordFile})`
        : '(printed at first start)';
  }
  say('');
  say(`  Terrace 已就绪 / ready:  ${server.url}   (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  say(`  演示账号 / demo logins:  ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}`);
  say(`  密码 / password:        ${passwordNote}`);
  say(`  API 文档 / API docs:     ${server.url}/api/docs`);
  say('');

  closeOnSignals(() => server.close(), { timeoutSeconds: config.shutdownTimeoutSeconds, say });
}

main().catch((error) => {
  process.stderr.write(`Terrace failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

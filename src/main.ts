import fs from 'node:fs';
import path from 'node:path';
import { DataDirLockedError } from './db/lock.ts';
import type { SeedResult } from './db/seed.ts';
import { DEMO_ACCOUNTS, SETUP_TOKEN_HOURS } from './modules/governance/index.ts';
import { loadConfig, type Config } from './server/config.ts';
import { closeOnSignals } from './server/shutdown.ts';
import { startServer } from './start.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const started = Date.now();
  // `npm start -- --demo`: the demo county, also on PostgreSQL (the same as TERRACE_DEMO=1).
  if (process.argv.includes('--demo')) process.env.TERRACE_DEMO = '1';
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
  const ready = `  Terrace 已就绪 / ready:  ${server.url}   (${((Date.now() - started) / 1000).toFixed(1)} s)`;
  if (server.setupToken) {
    say('');
    say(ready);
    say(`  尚未设置县 / No county yet: open ${server.url}/setup and enter this one-time setup code,`);
    say(`  or run \`npm run setup\` on this machine (see the README, "First start on PostgreSQL").`);
    say(`  设置码 / setup code:     ${server.setupToken}   (valid ${SETUP_TOKEN_HOURS} h)`);
    say(`  API 文档 / API docs:     ${server.url}/api/docs`);
    say('');
  } else if (server.demo) {
    const note = demoPasswordNote(config, server.seed);
    say('');
    say(ready);
    say(`  演示账号 / demo logins:  ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}`);
    say(`  密码 / password:        ${note}`);
    say(`  API 文档 / API docs:     ${server.url}/api/docs`);
    say('');
  } else {
    say('');
    say(ready);
    say(`  API 文档 / API docs:     ${server.url}/api/docs`);
    say('');
  }

  closeOnSignals(() => server.close(), { timeoutSeconds: config.shutdownTimeoutSeconds, say });
}

/** Where the demo accounts' password is: printed at the first start (embedded: kept in DATA_DIR), or the one configured. */
function demoPasswordNote(config: Config, seed: SeedResult): string {
  const passwordFile = path.join(config.dataDir, 'demo-password.txt');
  if (seed.seeded) say('已创建演示县：松阳县 / Seeded the demo county: Songyang');
  if (config.demoPassword) return '(TERRACE_DEMO_PASSWORD)';
  if (seed.seeded) {
    if (!config.databaseUrl) fs.writeFileSync(passwordFile, `${seed.password}\n`, { mode: 0o600 });
    return `${seed.password}`;
  }
  return fs.existsSync(passwordFile) ? `${fs.readFileSync(passwordFile, 'utf8').trim()}  (${passwordFile})` : '(printed at first start)';
}

main().catch((error) => {
  process.stderr.write(`Terrace failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

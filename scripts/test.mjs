// `npm test`: every test — unit, service and API on both database drivers, and the browser tests —
// then the plain line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0) {
    process.stdout.write('Installing Debian chromium for the browser tests (apt-get install -y chromium)…\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (!install || install.status !== 0 || !fs.existsSync(CHROMIUM)) {
      process.stderr.write('Could not install chromium. Run: sudo apt-get install -y chromium\n');
      process.exit(1);
    }
  } else {
    process.stderr.write('The browser tests need Debian\'s chromium at /usr/bin/chromium. Install it with:\n\n  sudo apt-get install -y chromium\n\n');
    process.exit(1);
  }
}

if (!process.env.TEST_DATABASE_URL) {
  process.stdout.write('TEST_DATABASE_URL is not set: database tests run on PGlite only (CI sets it to run them on PostgreSQL too).\n');
}

fs.mkdirSync('.test-tmp', { recursive: true });
const results = path.resolve('.test-tmp/results.json');
fs.rmSync(results, { force: true });
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
if (fs.existsSync(results)) {
  const report = JSON.parse(fs.readFileSync(results, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
} else {
  failed = 1;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(vitest.status === 0 && failed === 0 && passed > 0 ? 0 : 1);

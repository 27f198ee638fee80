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

process.stdout.write(`Node ${process.version} (${process.execPath}): tsc, Vitest and the browser tests' servers run on it.\n`);

// TypeScript strict is part of the bar: a type error fails the run like a failing test.
process.stdout.write('Type-checking (tsc, strict)…\n');
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
const typesOk = tsc.status === 0;

fs.mkdirSync('.test-tmp', { recursive: true });
const results = path.resolve('.test-tmp/results.json');
fs.rmSync(results, { force: true });
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = typesOk ? 0 : 1;
if (fs.existsSync(results)) {
  const report = JSON.parse(fs.readFileSync(results, 'utf8'));
  passed = report.numPassedTests;
  // A file that failed without a failing test (it did not load, or a hook threw) counts as one failure.
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  failed += report.numFailedTests + brokenFiles;
} else {
  failed += 1;
}
if (!typesOk) process.stdout.write('\nThe type check failed (counted as one failure).\n');
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(vitest.status === 0 && failed === 0 && passed > 0 ? 0 : 1);

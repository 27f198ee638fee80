// `npm run setup -- --county NAME --file FILE --admin USERNAME --admin-name NAME`: set up a real county (see src/setup.ts).
import { register } from 'tsx/esm/api';

register();
const { setupCommand, describeSetupError } = await import('../src/setup.ts');
try {
  await setupCommand(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`设置失败 / Setup failed: ${describeSetupError(error)}\n`);
  process.exit(1);
}

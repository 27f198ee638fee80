import { defineConfig } from 'drizzle-kit';

// The payments tables were created by the market's migrations before payments became a module; this folder holds
// what changed since, and runs after the market's.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/payments/schema.ts',
  out: './src/modules/payments/migrations',
});

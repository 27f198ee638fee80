import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/interventions/schema.ts',
  out: './src/modules/interventions/migrations',
});

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/indicators/schema.ts',
  out: './src/modules/indicators/migrations',
});

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/live/schema.ts',
  out: './src/modules/live/migrations',
});

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/atlas/schema.ts',
  out: './src/modules/atlas/migrations',
});

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/inns/schema.ts',
  out: './src/modules/inns/migrations',
});

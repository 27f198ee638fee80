import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/market/schema.ts',
  out: './src/modules/market/migrations',
});

import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/logistics/schema.ts',
  out: './src/modules/logistics/migrations',
});

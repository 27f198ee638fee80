import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/people/schema.ts',
  out: './src/modules/people/migrations',
});

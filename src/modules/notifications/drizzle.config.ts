import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/notifications/schema.ts',
  out: './src/modules/notifications/migrations',
});

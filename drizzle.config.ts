import { defineConfig } from 'drizzle-kit';

// The kernel's own tables (audit log, job runs). Each module has its own drizzle config beside its schema,
// generating into its own migrations folder: `npx drizzle-kit generate --config src/modules/<m>/drizzle.config.ts`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});

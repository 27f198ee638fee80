import { defineConfig } from 'drizzle-kit';

// Governance: its tables (and, historically, the database's extensions and the audit log, now the kernel's).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/governance/schema.ts',
  out: './src/modules/governance/migrations',
});

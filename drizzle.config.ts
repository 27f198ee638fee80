import { defineConfig } from 'drizzle-kit';

// Governance (and the database's extensions). Every other module has its own drizzle config beside its
// schema, generating into its own migrations folder: `npx drizzle-kit generate --config src/modules/<m>/drizzle.config.ts`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/governance/schema.ts',
  out: './src/db/migrations',
});

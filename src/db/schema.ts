// Every module's tables, for Drizzle's typed queries. Migrations are generated per module (see drizzle.config.ts).
export * from '../modules/governance/schema.ts';
export * from '../modules/atlas/schema.ts';
export * from '../modules/market/schema.ts';
export * from '../modules/interventions/schema.ts';
export * from '../modules/inns/schema.ts';

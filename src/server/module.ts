import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/handle.ts';
import type { Actor } from './actor.ts';
import type { JobDefinition } from './jobs.ts';

/** What the seed step of each module is given; the accounts module fills in the county it creates. */
export interface SeedContext {
  /** The demo accounts' password. */
  password: string;
  /** The demo county, once the module that creates it has run. */
  countyId: string | null;
}

/** How the module that owns accounts turns a session cookie into the acting user (the kernel knows no users). */
export interface SessionLoader {
  load(db: Db, token: string): Promise<{ actor: Actor; csrfToken: string } | null>;
}

/**
 * Everything the platform needs to run a module; a module's `index.ts` exports one and nothing else that another
 * module may not use. The app, the migrator, the Drizzle schema, the seed and the job runner loop over the list.
 */
export interface ModuleManifest {
  name: string;
  /** Its tables (Drizzle pg-core), for typed queries and drizzle-kit. */
  schema: Record<string, unknown>;
  /** Its migrations folder and bookkeeping table (default `__drizzle_migrations_<name>`), applied in list order. */
  migrations?: { folder: string; table?: string };
  /** Its routes, registered under `/api/v1`. */
  routes?: FastifyPluginAsync;
  /** Its part of the demo county, run in list order in one transaction on an empty database. */
  seed?: (tx: Db, ctx: SeedContext) => Promise<void>;
  /** Permissions it adds: name → roles that carry it. */
  permissions?: Record<string, readonly string[]>;
  /** Background work it runs (recurring or on demand) in the job queue. */
  jobs?: JobDefinition[];
  /** The module that owns accounts resolves sessions. */
  sessions?: SessionLoader;
  /** Origins outside this site the web client may stream media from (an external HLS server): added to the CSP. */
  mediaOrigins?: () => string[];
  /** Called when the app closes (worker pools, listeners). */
  close?: () => Promise<void>;
}

export const defineModule = <M extends ModuleManifest>(manifest: M): M => manifest;

/** The modules' migration folders, in list order, for the migrator. */
export const migrationSets = (modules: readonly ModuleManifest[]) =>
  modules.flatMap((m) => (m.migrations ? [{ name: m.name, folder: m.migrations.folder, table: m.migrations.table }] : []));

import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  // An empty value means "not set" (a blank line in an env file), not an invalid URL.
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** PostgreSQL connections the server keeps (the embedded database has one). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TERRACE_DEMO_PASSWORD: z.string().min(8).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Set when a reverse proxy terminates TLS, so request.protocol and client IPs come from its headers. */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  SESSION_HOURS: z.coerce.number().positive().default(24 * 7),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  WEB_DIST: z.string().default('dist/web'),
  /** Background jobs this instance runs at once. */
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Seconds a job's claim lasts without a heartbeat: after a crash, another instance takes the job over then. */
  JOBS_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(60),
  /** Writes (POST, PUT, PATCH, DELETE) per signed-in user and per client address per minute; 0 turns a limit off. */
  WRITE_RATE_LIMIT_PER_USER_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /**
   * Where write and sign-in rate limits are counted: `database` (shared by every instance on the database; the
   * default on PostgreSQL) or `memory` (this process only; the default on the embedded database, which has one).
   */
  RATE_LIMIT_STORE: z.enum(['memory', 'database']).optional(),
  /** Seed the demo county into an empty database: the default on the embedded database, off on PostgreSQL. */
  TERRACE_DEMO: z.enum(['true', 'false', '1', '0']).optional(),
  /** How long a client may take to send a whole request (headers and body). */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  /** On SIGTERM, how long in-flight requests and jobs may take to finish before the process exits anyway. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().default(25),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  demoPassword?: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: boolean;
  sessionHours: number;
  jobsConcurrency: number;
  jobsLeaseSeconds: number;
  loginRateLimitPerMinute: number;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  webDist: string;
  writeRateLimitPerUser: number;
  writeRateLimitPerAddress: number;
  rateLimitStore: 'memory' | 'database';
  /** Seed the demo county into an empty database. */
  demo: boolean;
  requestTimeoutSeconds: number;
  shutdownTimeoutSeconds: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    demoPassword: e.TERRACE_DEMO_PASSWORD,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    sessionHours: e.SESSION_HOURS,
    jobsConcurrency: e.JOBS_CONCURRENCY,
    jobsLeaseSeconds: e.JOBS_LEASE_SECONDS,
    loginRateLimitPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockoutMinutes: e.LOGIN_LOCKOUT_MINUTES,
    webDist: path.resolve(e.WEB_DIST),
    writeRateLimitPerUser: e.WRITE_RATE_LIMIT_PER_USER_PER_MINUTE,
    writeRateLimitPerAddress: e.WRITE_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
    rateLimitStore: e.RATE_LIMIT_STORE ?? (e.DATABASE_URL ? 'database' : 'memory'),
    demo: e.TERRACE_DEMO === undefined ? !e.DATABASE_URL : e.TERRACE_DEMO === 'true' || e.TERRACE_DEMO === '1',
    requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
  };
}

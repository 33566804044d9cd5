import { z } from 'zod';

const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  ALP_HUB_DATA_DIR: z.string().default('.alp-hub'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Size and seed of the demo loaded into an empty database by `npm start`; 0 pupils loads none. */
  DEMO_PUPILS: z.coerce.number().int().min(0).max(20_000).default(600),
  DEMO_SEED: z.coerce.number().int().default(1),
  /**
   * The demo loads into the embedded database only, unless asked for explicitly with ALP_HUB_DEMO=1:
   * an empty real database is a council's, and synthetic pupils must never appear under real LA codes.
   */
  ALP_HUB_DEMO: z.enum(['0', '1']).optional(),
  /** NODE_ENV=production: introspection and field suggestions off. */
  NODE_ENV: z.string().optional(),
  /**
   * Which proxies in front of the hub are trusted for X-Forwarded-For and X-Forwarded-Proto (express's
   * `trust proxy`): `loopback` (a proxy on this machine), a number of hops, or addresses/CIDRs,
   * comma-separated; `false` for none. The client's address (rate limits, the audit) and whether the
   * request came over https (the Secure cookie) are read from the trusted proxy's headers.
   */
  TRUST_PROXY: z.string().default('loopback'),
  /** Origins allowed to call the API from a browser (comma-separated); none by default. */
  CORS_ORIGINS: z.string().optional(),
  /** The server's database limits (src/db/database.ts PoolLimits); the CLI has none. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** Server processes sharing the port (Node cluster); the real server only (docs/performance.md). */
  ALP_HUB_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Requests a minute per signed-in user and per remote address (src/server/security.ts). Counted per
   * server process: with ALP_HUB_WORKERS = n a client may make up to n times these (docs/performance.md).
   */
  RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1_200),
  /**
   * Minutes between the server's passes keeping a stored series point for every ended day
   * (src/server/points-keeper.job.ts); 0 turns the keeper off (a series then computes what it lacks).
   */
  KEEP_POINTS_MINUTES: z.coerce.number().min(0).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof envSchema>;

/** Reads the process environment once; throws a readable error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return parsed.data;
}

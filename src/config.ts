import path from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads the environment. Everything is documented in README.md
 * ("Configuration"); production refuses to start without the values it must not guess.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  KITH_DATA_DIR: z.string().default('./data'),
  KITH_SEED_DEMO: z.enum(['true', 'false']).optional(),
  KITH_SECRET: z.string().min(32, 'KITH_SECRET must be at least 32 characters').optional(),
  KITH_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  SMTP_URL: z.string().url().optional(),
  EMAIL_FROM: z.string().default('Kith <no-reply@kith.invalid>'),
  NOTIFY_API_KEY: z.string().optional(),
  NOTIFY_TEMPLATE_ID: z.string().uuid().optional(),
  NOTIFY_BASE_URL: z.string().url().default('https://api.notifications.service.gov.uk'),
  KITH_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  KITH_POSTCODE_LOOKUP_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'KITH_POSTCODE_LOOKUP_URL must be an http(s) address')
    .optional(),
  KITH_MAP_TILE_URL: z
    .string()
    .refine(
      (u) => /^https?:\/\/[^/?#]+\//.test(u) && ['{z}', '{x}', '{y}'].every((p) => u.includes(p)),
      'KITH_MAP_TILE_URL must be an http(s) address with {z}, {x} and {y} in it',
    )
    .optional(),
  KITH_MAP_TILE_ATTRIBUTION: z.string().max(300).optional(),
  KITH_RELAY_DOMAIN: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
      'KITH_RELAY_DOMAIN must be a domain name',
    )
    .optional(),
  KITH_RELAY_TOKEN: z.string().min(32, 'KITH_RELAY_TOKEN must be at least 32 characters').optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  database: ({ kind: 'pg'; url: string } | { kind: 'pglite'; dataDir: string | null }) & {
    /** Refuse a query on the database from inside its own transaction (off in production: see transaction-guard.ts). */
    guardTransactions: boolean;
  };
  seedDemo: boolean;
  /** Uploaded files (photos of spaces), under KITH_DATA_DIR whichever database is used. */
  filesDir: string;
  secret: string;
  trustProxy: boolean;
  logLevel: string;
  /** The site's public address, for links in emails sent by background jobs. */
  publicUrl: string;
  mail: {
    smtpUrl: string | null;
    from: string;
    notify: { apiKey: string; templateId: string; baseUrl: string } | null;
  };
  search: {
    /** A postcodes.io-compatible service; without one, search offers no postcode field. */
    postcodeLookupUrl: string | null;
    /** Map tiles for the interactive map; without them, only the server-drawn ward map (no JavaScript). */
    mapTiles: { url: string; attribution: string } | null;
  };
  /**
   * The email relay: messages between people helping each other carry a Reply-To address at
   * this domain, and the mail provider posts replies to /email/inbound with this bearer token.
   * Without it, emails link to the conversation on the site instead.
   */
  relay: { domain: string; token: string } | null;
};

export class ConfigError extends Error {}

const DEV_SECRET = 'kith-development-secret-not-for-production-use';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Kith cannot start: the configuration is not valid.\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (Boolean(e.NOTIFY_API_KEY) !== Boolean(e.NOTIFY_TEMPLATE_ID)) {
    throw new ConfigError('Kith cannot start: set both NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID, or neither.');
  }
  if (Boolean(e.KITH_RELAY_DOMAIN) !== Boolean(e.KITH_RELAY_TOKEN)) {
    throw new ConfigError('Kith cannot start: set both KITH_RELAY_DOMAIN and KITH_RELAY_TOKEN, or neither.');
  }
  if (production && !e.KITH_SECRET) {
    throw new ConfigError(
      'Kith cannot start: KITH_SECRET must be set in production (32+ random characters).',
    );
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: {
      ...(e.DATABASE_URL
        ? { kind: 'pg' as const, url: e.DATABASE_URL }
        : { kind: 'pglite' as const, dataDir: path.resolve(e.KITH_DATA_DIR) }),
      guardTransactions: !production,
    },
    // A fresh development install shows the demo place; production starts empty unless asked.
    seedDemo: e.KITH_SEED_DEMO ? e.KITH_SEED_DEMO === 'true' : !production,
    filesDir: path.resolve(e.KITH_DATA_DIR, 'files'),
    secret: e.KITH_SECRET ?? DEV_SECRET,
    trustProxy: e.KITH_TRUST_PROXY === 'true',
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    publicUrl: (e.KITH_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      from: e.EMAIL_FROM,
      notify:
        e.NOTIFY_API_KEY && e.NOTIFY_TEMPLATE_ID
          ? { apiKey: e.NOTIFY_API_KEY, templateId: e.NOTIFY_TEMPLATE_ID, baseUrl: e.NOTIFY_BASE_URL }
          : null,
    },
    search: {
      postcodeLookupUrl: e.KITH_POSTCODE_LOOKUP_URL?.replace(/\/+$/, '') ?? null,
      mapTiles: e.KITH_MAP_TILE_URL
        ? { url: e.KITH_MAP_TILE_URL, attribution: e.KITH_MAP_TILE_ATTRIBUTION ?? '' }
        : null,
    },
    relay:
      e.KITH_RELAY_DOMAIN && e.KITH_RELAY_TOKEN
        ? { domain: e.KITH_RELAY_DOMAIN.toLowerCase(), token: e.KITH_RELAY_TOKEN }
        : null,
  };
}

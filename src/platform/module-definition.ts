import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import type { Db, Tx } from './db/types.js';
import type { RelaySite } from './email/relay.js';
import type { ServiceContext } from './http/request-context.js';
import type { Translate } from './i18n/i18n.js';
import type { JobHandler } from './jobs/jobs.js';
import type { Place } from './places/place-service.js';

/** A dataset a module publishes to the place's open data catalogue. */
export type DatasetDefinition = {
  id: string;
  titleKey: string;
  descriptionKey: string;
  /** SPDX-like id; Open Government Licence v3 unless a module says otherwise. */
  licence?: 'OGL-UK-3.0' | 'ODbL-1.0' | 'CC-BY-4.0';
  frequencyKey: string;
  /** Download links, relative to the place prefix (e.g. `api/wards.csv`). */
  distributions: { format: 'HTML' | 'JSON' | 'CSV' | 'GeoJSON' | string; path: string }[];
  /** Set when a dataset exists but is not published: the catalogue says so and why. */
  withheldReasonKey?: string;
  /** What each column (CSV) or property (JSON) holds, for the dataset's page and the DCAT catalogue. */
  fields?: DatasetField[];
  /** The sector standard one of the distributions follows (e.g. Open Referral UK, OpenActive). */
  standard?: { name: string; url: string };
  /** The newest change to the dataset's records, or null when it has none (for "last updated"). */
  lastUpdated?: (ctx: ServiceContext) => Promise<Date | null>;
  /** The column present in both the CSV and the JSON rows that identifies a row (default `id`). */
  keyField?: string;
};

export type DatasetFieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'uri';

/** One column of a dataset: its name as in the CSV header, a catalogue key describing it, its type. */
export type DatasetField = { name: string; descriptionKey: string; type: DatasetFieldType };

/** The roles of SPEC §1; each is held per place. */
export type Role = 'resident' | 'organiser' | 'connector' | 'officer' | 'place-admin' | 'accountable-officer';

/** An action a module adds to the role × action matrix, with the roles allowed it by default. */
export type PermissionDefinition = { descriptionKey: string; roles: readonly Role[] };

/** A figure a module contributes to the annual report (SPEC §3.11), optionally by ward. */
export type Stat = { key: string; labelKey: string; value: number; byWard?: Record<string, number> };

export type LawfulBasis =
  | 'consent'
  | 'contract'
  | 'legal-obligation'
  | 'vital-interests'
  | 'public-task'
  | 'legitimate-interests';

/** One use of personal data, as the privacy notice shows it. */
export type DataUse = { dataKey: string; purposeKey: string; basis: LawfulBasis; retentionKey: string };

/** What a module holds about people, how to hand it over, erase it and let it expire. */
export type PrivacyHooks = {
  dataUses: DataUse[];
  /** Everything held about the person, as named tables of rows (for the subject access download). */
  exportFor?: (
    db: Db | Tx,
    person: { userId: string; email: string },
  ) => Promise<Record<string, Record<string, unknown>[]>>;
  /** Erase or anonymise on account deletion; returns catalogue keys for what was kept and why. */
  eraseFor?: (tx: Tx, person: { userId: string; email: string }) => Promise<string[]>;
  /** Delete or anonymise what has passed its retention period. Returns how many rows changed. */
  applyRetention?: (tx: Tx, now: Date) => Promise<number>;
};

/**
 * What a background job knows of the site: its public address, for links in emails, and the
 * email relay when one is set up (see platform/email/relay.ts).
 */
export type JobSite = {
  publicUrl: string;
  relay: RelaySite | null;
  /** Where uploaded files live, for jobs that tidy them away (absent in some tests). */
  filesDir?: string;
};

/** A link in the place's navigation; `summaryKey` is its one line on the home page's cards. */
export type NavItem = { path: string; labelKey: string; summaryKey?: string };

export type SeedContext = { db: Db; place: Place; log: (message: string) => void };

export type ModuleDefinition = {
  /** kebab-case, also the value stored in a place's `modules` list. */
  name: string;
  titleKey: string;
  /** Fastify plugin registered under `/:place`, run only when the place has the module on. */
  routes: FastifyPluginAsync;
  nav?: NavItem[];
  datasets?: DatasetDefinition[];
  /** Actions this module adds to the permission matrix, keyed `<module>.<action>`. */
  permissions?: Record<string, PermissionDefinition>;
  /** Figures for the annual report and the place's statistics. */
  stats?: (ctx: ServiceContext) => Promise<Stat[]>;
  /** A section for the place's home page (e.g. the ward map), rendered from `template`. */
  homePanel?: (
    ctx: ServiceContext,
    t: Translate,
  ) => Promise<{ template: string; data: Record<string, unknown> } | null>;
  /** Personal data this module holds: shown in the privacy notice, exported, erased, expired. */
  privacy?: PrivacyHooks;
  /** Demo data for a place, run by `kith seed --demo`; must be idempotent. */
  seed?: (ctx: SeedContext) => Promise<void>;
  /** Background jobs by name (`<module>.<job>`), given what jobs need to know of the site. */
  jobs?: (site: JobSite) => Record<string, JobHandler>;
  /** Jobs that re-book themselves; the server books their first run at start. */
  recurringJobs?: string[];
  /** Example values for route parameters, so tests can visit every page with demo data. */
  demoParams?: Record<string, string>;
  /**
   * For tests that visit every route as each role: give a person the ties to the demo records
   * that some routes ask for beyond a role (e.g. being the officer assigned to an assembly).
   */
  tieToDemoRecords?: (db: Db, userId: string) => Promise<void>;
};

export function defineModule(definition: ModuleDefinition): ModuleDefinition {
  if (!/^[a-z]+(-[a-z]+)*$/.test(definition.name)) {
    throw new Error(`Module name "${definition.name}" must be kebab-case`);
  }
  return definition;
}

/** One module's privacy hooks from its parts' (a module with several kinds of personal data). */
export function combinePrivacy(...parts: PrivacyHooks[]): PrivacyHooks {
  return {
    dataUses: parts.flatMap((p) => p.dataUses),
    async exportFor(db, person) {
      return Object.assign({}, ...(await Promise.all(parts.map((p) => p.exportFor?.(db, person) ?? {}))));
    },
    async eraseFor(tx, person) {
      const kept: string[] = [];
      for (const p of parts) kept.push(...((await p.eraseFor?.(tx, person)) ?? []));
      return kept;
    },
    async applyRetention(tx, now) {
      let n = 0;
      for (const p of parts) n += (await p.applyRetention?.(tx, now)) ?? 0;
      return n;
    },
  };
}

/** The site as jobs and services see it, from the configuration. */
export function siteOf(
  config: Pick<Config, 'publicUrl' | 'relay' | 'secret'> & Partial<Pick<Config, 'filesDir'>>,
): JobSite {
  return {
    publicUrl: config.publicUrl,
    relay: config.relay ? { domain: config.relay.domain, secret: config.secret } : null,
    ...(config.filesDir ? { filesDir: config.filesDir } : {}),
  };
}

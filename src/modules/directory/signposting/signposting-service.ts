import { z } from 'zod';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { formatDate, type Language, type Translate } from '../../../platform/i18n/i18n.js';
import { can } from '../../../platform/roles/permissions.js';
import { DAYS, type Day, TIMES_OF_DAY, type TimeOfDay } from '../../../platform/search/search-index.js';
import { getWard, listWards, type Ward } from '../../wards/ward-service.js';
import { CATEGORIES, type Category, isCategory } from '../categories.js';
import { type LeafletSection, renderLeaflet } from './leaflet-pdf.js';

/**
 * Connector signposting (SPEC §3.1): a connector records "I signposted someone about X to Y"
 * with nothing about the person helped, and the place compares that demand with what the
 * directory lists (supply), ward by ward and category by category, to see the gaps.
 */

export const DESTINATION_KINDS = ['group', 'service', 'hub', 'other'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
const LISTED_KINDS = ['group', 'service', 'hub'] as const;

export const NOTE_MAX = 200;
export const DESTINATION_TEXT_MAX = 120;

/** A gap: at least this many signpostings in the period… */
export const GAP_MIN_DEMAND = 3;
/** …and at least this many for every group, service or hub listed for it in the ward. */
export const GAP_RATIO = 3;

const TIME_ZONE = 'Europe/London';

// Things that identify a person and have no place in an anonymous record.
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
// Nine or more digits, however spaced or punctuated: UK numbers have 10 or 11.
const PHONE = /(?:\+\s?)?\d(?:[\s().-]{0,2}\d){8,}/;
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;

function personalDataIn(text: string): 'Email' | 'Phone' | 'Postcode' | null {
  if (EMAIL.test(text)) return 'Email';
  if (PHONE.test(text)) return 'Phone';
  if (POSTCODE.test(text)) return 'Postcode';
  return null;
}

const E = 'directory.signposting.errors';

/**
 * What a connector records, as the form posts it. `destination` is `group:<ref>`,
 * `service:<ref>`, `hub:<ref>` (a directory record) or `other` with `destinationText`.
 */
export const SignpostingInput = z
  .object({
    category: z.enum(CATEGORIES, `${E}.categoryMissing`),
    ward: z.string(`${E}.wardMissing`).trim().min(1, `${E}.wardMissing`).max(100, `${E}.wardMissing`),
    destination: z
      .string(`${E}.destinationMissing`)
      .trim()
      .regex(/^(?:other|(?:group|service|hub):[^\s]{1,200})$/, `${E}.destinationMissing`),
    destinationText: z
      .string(`${E}.destinationTextTooLong`)
      .trim()
      .max(DESTINATION_TEXT_MAX, `${E}.destinationTextTooLong`)
      .default(''),
    note: z.string(`${E}.noteTooLong`).trim().max(NOTE_MAX, `${E}.noteTooLong`).default(''),
  })
  .superRefine((v, issue) => {
    if (v.destination === 'other' && v.destinationText === '') {
      issue.addIssue({ code: 'custom', path: ['destinationText'], message: `${E}.destinationTextMissing` });
    }
    const inDestination = v.destination === 'other' ? personalDataIn(v.destinationText) : null;
    if (inDestination) {
      issue.addIssue({
        code: 'custom',
        path: ['destinationText'],
        message: `${E}.destinationText${inDestination}`,
      });
    }
    const inNote = personalDataIn(v.note);
    if (inNote) issue.addIssue({ code: 'custom', path: ['note'], message: `${E}.note${inNote}` });
  });
export type SignpostingInput = z.input<typeof SignpostingInput>;

function invalidFrom(error: z.ZodError): Invalid {
  const fields: Record<string, string> = {};
  for (const i of error.issues) {
    const field = String(i.path[0] ?? 'form');
    fields[field] ??= i.message;
  }
  return new Invalid(fields);
}

/** A ward by slug or code, as a field error rather than a 404 when it comes from a form. */
async function wardForForm(ctx: ServiceContext, slugOrCode: string): Promise<Ward> {
  try {
    return await getWard(ctx, slugOrCode);
  } catch (error) {
    if (error instanceof NotFound) throw new Invalid({ ward: `${E}.wardMissing` });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Supply: what the directory lists, read from the one search index every module keeps current.

export type Listing = {
  kind: (typeof LISTED_KINDS)[number];
  refId: string;
  title: string;
  summary: string;
  /** Site-relative, e.g. `/trafford/groups/stretford-walkers`. */
  url: string;
  wardCode: string | null;
  categories: string[];
  days: Day[];
  times: TimeOfDay[];
  /** The organiser's own "where and when", for groups and hubs that have one. */
  whereWhen: string;
};

type ListingRow = {
  kind: Listing['kind'];
  ref_id: string;
  title: string;
  summary: string;
  url: string;
  ward_code: string | null;
  categories: string[];
  days: string[];
  times: string[];
  where_when: string | null;
};

function toListing(r: ListingRow): Listing {
  return {
    kind: r.kind,
    refId: r.ref_id,
    title: r.title,
    summary: r.summary,
    url: r.url,
    wardCode: r.ward_code,
    categories: r.categories,
    days: DAYS.filter((d) => r.days.includes(d)),
    times: TIMES_OF_DAY.filter((t) => r.times.includes(t)),
    whereWhen: r.where_when ?? '',
  };
}

/**
 * Visible groups, services and hubs, optionally in one ward. A group's "where and when" is
 * joined in when the index points at a group row (by id or slug); services show days and times.
 */
async function listings(
  ctx: ServiceContext,
  filter: { wardCode?: string; kind?: string; refId?: string } = {},
): Promise<Listing[]> {
  const rows = await ctx.db.query<ListingRow>(
    `select d.kind, d.ref_id, d.title, d.summary, d.url, d.ward_code, d.categories, d.days, d.times,
            nullif(trim(g.where_when), '') as where_when
     from search_documents d
     left join directory_groups g on g.place_id = d.place_id and d.kind in ('group', 'hub')
       and (g.id::text = d.ref_id or g.slug = d.ref_id)
     where d.place_id = $1 and d.visible and d.kind = any($2::text[])
       and ($3::text is null or d.ward_code = $3)
       and ($4::text is null or d.kind = $4)
       and ($5::text is null or d.ref_id = $5)
     order by lower(d.title), d.kind, d.ref_id`,
    [ctx.place.id, [...LISTED_KINDS], filter.wardCode ?? null, filter.kind ?? null, filter.refId ?? null],
  );
  return rows.map(toListing);
}

/**
 * What is near for a ward: its visible groups, services and hubs. With a category, those in
 * it come first (`matching`), the rest after (`others`). Public information, so no permission.
 */
export async function whatsNear(
  ctx: ServiceContext,
  wardSlugOrCode: string,
  options: { category?: string } = {},
): Promise<{ ward: Ward; matching: Listing[]; others: Listing[] }> {
  const ward = await getWard(ctx, wardSlugOrCode);
  const all = await listings(ctx, { wardCode: ward.code });
  const category = options.category && isCategory(options.category) ? options.category : null;
  if (!category) return { ward, matching: all, others: [] };
  return {
    ward,
    matching: all.filter((l) => l.categories.includes(category)),
    others: all.filter((l) => !l.categories.includes(category)),
  };
}

// ---------------------------------------------------------------------------------------------
// Recording

export type RecordedSignposting = { id: string; createdAt: Date };

export async function recordSignposting(
  ctx: ServiceContext,
  input: SignpostingInput,
): Promise<RecordedSignposting> {
  if (!can(ctx.actor, 'directory.signpost')) throw new Forbidden();
  const parsed = SignpostingInput.safeParse(input);
  if (!parsed.success) throw invalidFrom(parsed.error);
  const data = parsed.data;
  const ward = await wardForForm(ctx, data.ward);
  let kind: DestinationKind = 'other';
  let ref: string | null = null;
  if (data.destination !== 'other') {
    const colon = data.destination.indexOf(':');
    kind = data.destination.slice(0, colon) as DestinationKind;
    ref = data.destination.slice(colon + 1);
    // Any visible record in the place will do: people are often pointed to a hub next door.
    const found = await listings(ctx, { kind, refId: ref });
    if (!found.length) throw new Invalid({ destination: `${E}.destinationUnknown` });
  }
  const destinationText = kind === 'other' ? data.destinationText : null;
  return withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string; created_at: Date }>(
      `insert into directory_signpostings
         (place_id, category, ward_code, destination_kind, destination_ref, destination_text, note, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id, created_at`,
      [
        ctx.place.id,
        data.category,
        ward.code,
        kind,
        ref,
        destinationText,
        data.note,
        ctx.actor?.userId ?? null,
      ],
    );
    const row = rows[0] as { id: string; created_at: Date };
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.signposting.record',
      targetType: 'directory_signposting',
      targetId: row.id,
      after: {
        category: data.category,
        ward_code: ward.code,
        destination_kind: kind,
        destination_ref: ref,
        destination_text: destinationText,
        note: data.note,
      },
      requestId: ctx.requestId ?? null,
    });
    return { id: row.id, createdAt: new Date(row.created_at) };
  });
}

export type MySignposting = {
  id: string;
  category: Category;
  wardCode: string;
  wardName: string | null;
  destinationKind: DestinationKind;
  /** The record's current title, or the free text for somewhere else; null if since removed. */
  destinationTitle: string | null;
  destinationUrl: string | null;
  note: string;
  createdAt: Date;
};

/** The acting connector's own recent signposting, newest first. */
export async function myRecentSignpostings(ctx: ServiceContext, limit = 10): Promise<MySignposting[]> {
  if (!can(ctx.actor, 'directory.signpost') || !ctx.actor) throw new Forbidden();
  const rows = await ctx.db.query<{
    id: string;
    category: Category;
    ward_code: string;
    ward_name: string | null;
    destination_kind: DestinationKind;
    destination_text: string | null;
    title: string | null;
    url: string | null;
    note: string;
    created_at: Date;
  }>(
    `select s.id, s.category, s.ward_code, w.name as ward_name, s.destination_kind, s.destination_text,
            d.title, d.url, s.note, s.created_at
     from directory_signpostings s
     left join wards w on w.place_id = s.place_id and w.code = s.ward_code
     left join search_documents d on d.place_id = s.place_id and d.kind = s.destination_kind
       and d.ref_id = s.destination_ref and d.visible
     where s.place_id = $1 and s.created_by = $2
     order by s.created_at desc, s.id limit $3`,
    [ctx.place.id, ctx.actor.userId, Math.max(1, Math.min(limit, 100))],
  );
  return rows.map((r) => ({
    id: r.id,
    category: r.category,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    destinationKind: r.destination_kind,
    destinationTitle: r.destination_kind === 'other' ? r.destination_text : r.title,
    destinationUrl: r.destination_kind === 'other' ? null : r.url,
    note: r.note,
    createdAt: new Date(r.created_at),
  }));
}

// ---------------------------------------------------------------------------------------------
// Demand and supply

/** A calendar date in Europe/London, `YYYY-MM-DD`. */
export function londonDate(at: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const IsoDate = (missing: string) =>
  z
    .string(missing)
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, missing)
    .refine(isRealDate, missing);

export const DateRange = z
  .object({ from: IsoDate(`${E}.fromInvalid`), to: IsoDate(`${E}.toInvalid`) })
  // Only compared once both are dates, so one bad date is one error.
  .refine((r) => !(isRealDate(r.from) && isRealDate(r.to)) || r.from <= r.to, {
    path: ['to'],
    message: `${E}.toBeforeFrom`,
  });
export type DateRange = z.infer<typeof DateRange>;

/** The last twelve months up to and including today, in Europe/London. */
export function defaultRange(now = new Date()): DateRange {
  const to = londonDate(now);
  const [y, m, d] = to.split('-').map(Number) as [number, number, number];
  const start = new Date(Date.UTC(y - 1, m - 1, d + 1));
  return { from: start.toISOString().slice(0, 10), to };
}

export type DemandCell = {
  wardCode: string;
  wardSlug: string;
  wardName: string;
  category: Category;
  /** Signpostings about this category in this ward, in the period. */
  demand: number;
  /** Visible groups, services and hubs in this ward listed under this category. */
  supply: number;
  gap: boolean;
};

export type DemandReport = {
  range: DateRange;
  /** Every ward × category, wards by name, categories in directory order. */
  cells: DemandCell[];
  byWard: {
    wardCode: string;
    wardSlug: string;
    wardName: string;
    demand: number;
    supply: number;
    gaps: number;
  }[];
  byCategory: { category: Category; demand: number; supply: number; gaps: number }[];
  /** The gaps, largest shortfall (demand − supply) first. */
  gaps: DemandCell[];
  totals: {
    demand: number;
    /** Distinct listings placed in a ward (a listing in two categories counts once here). */
    supply: number;
    gaps: number;
    /** Signposting recorded in a ward the place no longer has (after a boundary review). */
    demandInOldWards: number;
    /** Visible listings with no ward (online-only services, or not yet placed). */
    supplyWithoutWard: number;
  };
  gapRule: { minDemand: number; ratio: number };
};

export function isGap(demand: number, supply: number): boolean {
  return demand >= GAP_MIN_DEMAND && demand >= GAP_RATIO * supply;
}

/**
 * Signposting (demand) against listings (supply) by ward and category, for an inclusive range
 * of Europe/London calendar days. Only people who may see signposting may call it.
 */
export async function demandAndSupply(ctx: ServiceContext, range: DateRange): Promise<DemandReport> {
  if (!can(ctx.actor, 'directory.signposting.view')) throw new Forbidden();
  const parsed = DateRange.safeParse(range);
  if (!parsed.success) throw invalidFrom(parsed.error);
  const { from, to } = parsed.data;
  const wards = await listWards(ctx);
  const [demandRows, supplyRows, wardSupplyRows] = await Promise.all([
    ctx.db.query<{ ward_code: string; category: string; n: number }>(
      `select ward_code, category, count(*)::int as n from directory_signpostings
       where place_id = $1
         and created_at >= ($2::date)::timestamp at time zone '${TIME_ZONE}'
         and created_at < ($3::date + 1)::timestamp at time zone '${TIME_ZONE}'
       group by ward_code, category`,
      [ctx.place.id, from, to],
    ),
    ctx.db.query<{ ward_code: string; category: string; n: number }>(
      `select d.ward_code, c.category, count(distinct (d.kind, d.ref_id))::int as n
       from search_documents d cross join lateral unnest(d.categories) as c(category)
       where d.place_id = $1 and d.visible and d.kind = any($2::text[]) and d.ward_code is not null
       group by d.ward_code, c.category`,
      [ctx.place.id, [...LISTED_KINDS]],
    ),
    ctx.db.query<{ ward_code: string | null; n: number }>(
      `select ward_code, count(*)::int as n from search_documents
       where place_id = $1 and visible and kind = any($2::text[])
       group by ward_code`,
      [ctx.place.id, [...LISTED_KINDS]],
    ),
  ]);
  const key = (ward: string, category: string) => `${ward}|${category}`;
  const demand = new Map(demandRows.map((r) => [key(r.ward_code, r.category), r.n]));
  const supply = new Map(supplyRows.map((r) => [key(r.ward_code, r.category), r.n]));
  const wardSupply = new Map(wardSupplyRows.map((r) => [r.ward_code, r.n]));
  const wardCodes = new Set(wards.map((w) => w.code));

  const cells: DemandCell[] = wards.flatMap((w) =>
    CATEGORIES.map((category) => {
      const d = demand.get(key(w.code, category)) ?? 0;
      const s = supply.get(key(w.code, category)) ?? 0;
      return {
        wardCode: w.code,
        wardSlug: w.slug,
        wardName: w.name,
        category,
        demand: d,
        supply: s,
        gap: isGap(d, s),
      };
    }),
  );
  const byWard = wards.map((w) => {
    const mine = cells.filter((c) => c.wardCode === w.code);
    return {
      wardCode: w.code,
      wardSlug: w.slug,
      wardName: w.name,
      demand: mine.reduce((n, c) => n + c.demand, 0),
      supply: wardSupply.get(w.code) ?? 0,
      gaps: mine.filter((c) => c.gap).length,
    };
  });
  const byCategory = CATEGORIES.map((category) => {
    const mine = cells.filter((c) => c.category === category);
    return {
      category,
      demand: mine.reduce((n, c) => n + c.demand, 0),
      supply: mine.reduce((n, c) => n + c.supply, 0),
      gaps: mine.filter((c) => c.gap).length,
    };
  });
  const gaps = cells
    .filter((c) => c.gap)
    .sort((a, b) => b.demand - b.supply - (a.demand - a.supply) || b.demand - a.demand);
  return {
    range: { from, to },
    cells,
    byWard,
    byCategory,
    gaps,
    totals: {
      demand: byWard.reduce((n, w) => n + w.demand, 0),
      supply: byWard.reduce((n, w) => n + w.supply, 0),
      gaps: gaps.length,
      demandInOldWards: demandRows.filter((r) => !wardCodes.has(r.ward_code)).reduce((n, r) => n + r.n, 0),
      supplyWithoutWard: wardSupply.get(null) ?? 0,
    },
    gapRule: { minDemand: GAP_MIN_DEMAND, ratio: GAP_RATIO },
  };
}

// ---------------------------------------------------------------------------------------------
// Printable leaflet

/** "Mondays and Thursdays, mornings": when a listing happens, in words. */
export function whenText(l: Pick<Listing, 'days' | 'times'>, t: Translate): string {
  const list = (items: string[]) =>
    items.length <= 1
      ? (items[0] ?? '')
      : t('directory.signposting.list', { items: items.slice(0, -1).join(', '), last: items.at(-1) ?? '' });
  const days = list(l.days.map((d) => t(`directory.signposting.days.${d}`)));
  const times = list(l.times.map((x) => t(`directory.signposting.times.${x}`)));
  return [days, times].filter(Boolean).join(', ');
}

/** The category a listing is filed under on a leaflet: its first known one. */
function mainCategory(l: Listing): Category | null {
  return (l.categories.find(isCategory) as Category | undefined) ?? null;
}

/**
 * An A4 leaflet of a ward's groups, services and hubs, by category, to print and hand out.
 * Everything on it is already public on the site, so anyone may have it.
 */
export async function wardLeafletPdf(
  ctx: ServiceContext,
  wardSlug: string,
  t: Translate,
  options: { baseUrl?: string; lang?: Language; now?: Date; compress?: boolean } = {},
): Promise<Buffer> {
  const ward = await getWard(ctx, wardSlug);
  const all = await listings(ctx, { wardCode: ward.code });
  const now = options.now ?? new Date();
  const base = options.baseUrl ?? '';
  const P = 'directory.signposting.leaflet';
  const byCategory = new Map<Category | null, Listing[]>();
  for (const l of all) {
    const c = mainCategory(l);
    byCategory.set(c, [...(byCategory.get(c) ?? []), l]);
  }
  const order: (Category | null)[] = [...CATEGORIES, null];
  const sections: LeafletSection[] = order
    .filter((c) => byCategory.has(c))
    .map((c) => ({
      heading: c ? t(`directory.categories.${c}`) : t(`${P}.otherCategory`),
      entries: (byCategory.get(c) ?? []).map((l) => {
        const when = whenText(l, t);
        const lines = [
          ...(l.kind === 'group' ? [] : [t(`${P}.kinds.${l.kind}`)]),
          ...(l.summary ? [l.summary] : []),
          ...(l.whereWhen
            ? [t(`${P}.whereWhen`, { text: l.whereWhen })]
            : when
              ? [t(`${P}.when`, { text: when })]
              : []),
        ];
        return { title: l.title, lines, url: `${base}${l.url}` };
      }),
    }));
  const place = ctx.place.name;
  return renderLeaflet(
    {
      title: t(`${P}.title`, { ward: ward.name }),
      caption: t(`${P}.caption`, { place }),
      intro: [t(`${P}.produced`, { date: formatDate(now, options.lang ?? 'en') }), t(`${P}.check`)],
      sections,
      empty: t(`${P}.empty`, { ward: ward.name }),
      more: t(`${P}.more`, { url: `${base}/${ctx.place.slug}/search` }),
      footer: t(`${P}.footer`, { place, ward: ward.name }),
      pageOf: (page, pages) => t(`${P}.pageOf`, { page, pages }),
      lang: options.lang === 'cy' ? 'cy' : 'en-GB',
      author: place,
    },
    { now, ...(options.compress === undefined ? {} : { compress: options.compress }) },
  );
}

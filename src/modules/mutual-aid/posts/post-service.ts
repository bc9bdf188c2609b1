import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SqlParam, Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  checkPosting,
  type ItemStatus,
  onModerationStatusChange,
  registerPost,
} from '../../../platform/moderation/moderation-service.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard } from '../../wards/ward-service.js';
import type { AidCategory } from '../categories.js';
import { NeedInput, OfferInput } from './post-input.js';

export type PostKind = 'need' | 'offer';
export type PostStatus = 'open' | 'matched' | 'done' | 'withdrawn' | 'expired';

/** What anyone may see of a need or offer: never a name, address, phone or email. */
export type PublicPost = {
  id: string;
  kind: PostKind;
  categories: AidCategory[];
  title: string;
  details: string;
  wardCode: string;
  wardName: string | null;
  wardSlug: string | null;
  approxPoint: { lon: number; lat: number } | null;
  windowTo: Date | null;
  availability: { days: string[]; times: string[] } | null;
  maxDistanceMetres: number | null;
  expiresAt: Date;
  status: PostStatus;
  moderationStatus: ItemStatus;
  createdAt: Date;
};

type PostRow = {
  id: string;
  kind: PostKind;
  categories: AidCategory[];
  title: string;
  details: string;
  ward_code: string;
  ward_name: string | null;
  ward_slug: string | null;
  approx_lon: number | null;
  approx_lat: number | null;
  window_to: Date | null;
  availability: { days: string[]; times: string[] } | [];
  max_distance_metres: number | null;
  expires_at: Date;
  status: PostStatus;
  moderation_status: ItemStatus;
  created_at: Date;
  author_id: string | null;
};

// The public columns only: private_* never leave the database through these queries.
const PUBLIC_SELECT = `select p.id, p.kind, p.categories, p.title, p.details, p.ward_code, w.name as ward_name,
  w.slug as ward_slug, p.approx_lon, p.approx_lat, p.window_to, p.availability, p.max_distance_metres,
  p.expires_at, p.status, p.moderation_status, p.created_at, p.author_id
  from aid_posts p left join wards w on w.place_id = p.place_id and w.code = p.ward_code`;

function toPublic(r: PostRow): PublicPost {
  return {
    id: r.id,
    kind: r.kind,
    categories: r.categories,
    title: r.title,
    details: r.details,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    wardSlug: r.ward_slug,
    approxPoint:
      r.approx_lon !== null && r.approx_lat !== null ? { lon: r.approx_lon, lat: r.approx_lat } : null,
    windowTo: r.window_to ? new Date(r.window_to) : null,
    availability: Array.isArray(r.availability) ? null : r.availability,
    maxDistanceMetres: r.max_distance_metres,
    expiresAt: new Date(r.expires_at),
    status: r.status,
    moderationStatus: r.moderation_status,
    createdAt: new Date(r.created_at),
  };
}

const DAY = 86_400_000;
const NEED_DAYS: Record<NeedInput['when'], number> = {
  today: 1,
  'this-week': 7,
  'two-weeks': 14,
  ongoing: 60,
};
const OFFER_DAYS: Record<OfferInput['offerFor'], number> = { week: 7, month: 31, 'three-months': 92 };

export type PostFilters = { kind?: PostKind | null; ward?: string | null; category?: AidCategory | null };

/** Open, published, unexpired needs and offers, newest first, as anyone may see them. */
export async function listOpenPosts(
  ctx: ServiceContext,
  filters: PostFilters = {},
  page: { limit: number | null; offset: number } = { limit: null, offset: 0 },
  now = new Date(),
): Promise<{ items: PublicPost[]; total: number }> {
  const params: SqlParam[] = [ctx.place.id, now];
  const where = [
    'p.place_id = $1',
    "p.status = 'open'",
    "p.moderation_status = 'published'",
    'p.expires_at > $2',
  ];
  if (filters.kind) {
    params.push(filters.kind);
    where.push(`p.kind = $${params.length}`);
  }
  if (filters.ward) {
    params.push(filters.ward);
    where.push(`(w.slug = $${params.length} or w.code = $${params.length})`);
  }
  if (filters.category) {
    params.push(filters.category);
    where.push(`$${params.length} = any(p.categories)`);
  }
  const sql = where.join(' and ');
  const [rows, count] = await Promise.all([
    ctx.db.query<PostRow>(
      `${PUBLIC_SELECT} where ${sql} order by p.created_at desc, p.id limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, page.limit, page.offset],
    ),
    ctx.db.query<{ n: number }>(
      `select count(*)::int as n from aid_posts p left join wards w on w.place_id = p.place_id and w.code = p.ward_code where ${sql}`,
      params,
    ),
  ]);
  return { items: rows.map(toPublic), total: count[0]?.n ?? 0 };
}

/** Everything a person has posted here, in any state, newest first (their "your help" page). */
export async function myPosts(ctx: ServiceContext): Promise<PublicPost[]> {
  if (!ctx.actor) return [];
  const rows = await ctx.db.query<PostRow>(
    `${PUBLIC_SELECT} where p.place_id = $1 and p.author_id = $2 order by p.created_at desc, p.id limit 200`,
    [ctx.place.id, ctx.actor.userId],
  );
  return rows.map(toPublic);
}

export type PostView = PublicPost & {
  /** The poster sees their own private details; nobody else does (until a match, later). */
  own: { name: string; address: string; phone: string; email: string | null } | null;
};

export async function getPost(ctx: ServiceContext, id: string): Promise<PostView> {
  if (!isUuid(id)) throw new NotFound('No such post');
  const rows = await ctx.db.query<PostRow>(`${PUBLIC_SELECT} where p.place_id = $1 and p.id = $2`, [
    ctx.place.id,
    id,
  ]);
  const row = rows[0];
  if (!row) throw new NotFound('No such post');
  const isAuthor = ctx.actor !== null && row.author_id === ctx.actor.userId;
  if (row.moderation_status !== 'published' && !isAuthor && !can(ctx.actor, 'moderation.review'))
    throw new NotFound('No such post');
  let own: PostView['own'] = null;
  if (isAuthor) {
    const [p] = await ctx.db.query<{
      private_name: string;
      private_address: string;
      private_phone: string;
      private_email: string | null;
    }>('select private_name, private_address, private_phone, private_email from aid_posts where id = $1', [
      id,
    ]);
    if (p)
      own = {
        name: p.private_name,
        address: p.private_address,
        phone: p.private_phone,
        email: p.private_email,
      };
  }
  return { ...toPublic(row), own };
}

async function setModeration(tx: Tx, placeId: string, id: string, status: ItemStatus) {
  await tx.query(
    'update aid_posts set moderation_status = $3, updated_at = now() where place_id = $1 and id = $2::uuid',
    [placeId, id, status],
  );
}
for (const kind of ['need', 'offer'] as const)
  onModerationStatusChange('mutual-aid', kind, (tx, change) =>
    setModeration(tx, change.placeId, change.contentId, change.status),
  );

/**
 * A resident asks for help or offers it; a connector may post for someone else, with the
 * consent they recorded. Returns the post id, or null for a caught bot.
 */
export async function createPost(
  ctx: ServiceContext,
  kind: PostKind,
  raw: unknown,
  meta: { ip: string; honeypot?: unknown },
  now = new Date(),
): Promise<string | null> {
  if (!can(ctx.actor, 'mutual-aid.post')) throw new Forbidden();
  const input = kind === 'need' ? validated(NeedInput, raw) : validated(OfferInput, raw);
  if (input.onBehalf && !can(ctx.actor, 'mutual-aid.post-on-behalf'))
    throw new Invalid({ onBehalf: 'mutualAid.errors.onBehalfNotAllowed' });
  const ward = await getWard(ctx, input.ward).catch(() => null);
  if (!ward) throw new Invalid({ ward: 'mutualAid.errors.wardMissing' });
  const mod = { ...ctx, requestId: ctx.requestId ?? '' };
  const verdict = await checkPosting(mod, {
    ip: meta.ip,
    text: `${input.title} ${input.details}`,
    honeypot: meta.honeypot,
    field: 'details',
  });
  if (verdict === 'drop') return null;
  const days = 'when' in input ? NEED_DAYS[input.when] : OFFER_DAYS[(input as OfferInput).offerFor];
  const until = new Date(now.getTime() + days * DAY);
  return withTransaction(ctx.db, async (tx) => {
    let consentId: string | null = null;
    if (input.onBehalf) {
      const [c] = await tx.query<{ id: string }>(
        `insert into aid_consents (place_id, recorded_by, how_given, purpose, recipients)
         values ($1, $2, $3, $4, $5) returning id`,
        [
          ctx.place.id,
          ctx.actor?.userId ?? null,
          input.consentHow,
          kind === 'need'
            ? 'To find a neighbour who can help, and to share contact details with the helper they accept'
            : 'To offer help to neighbours, and to share contact details with a person they agree to help',
          'The other side of an accepted match only',
        ],
      );
      consentId = c?.id ?? null;
    }
    const offer = kind === 'offer' ? (input as OfferInput) : null;
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_posts (place_id, kind, author_id, consent_id, categories, title, details, ward_code, approx_lon, approx_lat,
         private_address, private_name, private_phone, private_email, window_from, window_to, availability, max_distance_metres, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
         (select email from users where id = $3 and $4::uuid is null), $14, $15, $16, $17, $18) returning id`,
      [
        ctx.place.id,
        kind,
        ctx.actor?.userId ?? null,
        consentId,
        offer ? offer.categories : [(input as NeedInput).category],
        input.title,
        input.details,
        ward.code,
        // Only ever the ward's middle: nothing nearer to where someone lives is published.
        ward.centroid?.lon ?? null,
        ward.centroid?.lat ?? null,
        input.privateAddress,
        input.privateName,
        input.privatePhone,
        now,
        kind === 'need' ? until : null,
        JSON.stringify(offer ? { days: offer.days, times: offer.times } : []),
        offer ? Number(offer.distance) : null,
        until,
      ],
    );
    const id = row?.id as string;
    const status = await registerPost(tx, mod, {
      module: 'mutual-aid',
      contentType: kind,
      contentId: id,
      summary: input.title,
      url: `/${ctx.place.slug}/help/${kind}s/${id}`,
    });
    await setModeration(tx, ctx.place.id, id, status);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `mutual-aid.${kind}.create`,
      targetType: `aid-${kind}`,
      targetId: id,
      // The audit log records what was posted, not the private contact details.
      after: { title: input.title, ward: ward.code, onBehalf: input.onBehalf, consentId },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, SqlParam, Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  checkPosting,
  type ItemStatus,
  onModerationStatusChange,
  registerPost,
  statusOf,
} from '../../../platform/moderation/moderation-service.js';
import { can } from '../../../platform/roles/permissions.js';
import {
  type Day,
  indexDocument,
  removeDocument,
  type TimeOfDay,
} from '../../../platform/search/search-index.js';
import { getWard, wardAt } from '../../wards/ward-service.js';
import type { Category } from '../categories.js';
import { GroupInput } from './group-input.js';

export type GroupStatus = 'active' | 'paused' | 'closed';
export type ContactVisibility = 'public' | 'signed-in' | 'hidden';

export type Group = {
  id: string;
  slug: string;
  name: string;
  summary: string;
  description: string;
  whoFor: string;
  whereWhen: string;
  category: Category;
  tags: string[];
  languages: string[];
  accessibility: string;
  stepFree: boolean;
  ageMin: number | null;
  ageMax: number | null;
  cost: 'free' | 'donation' | 'paid';
  days: Day[];
  times: TimeOfDay[];
  address: string;
  postcode: string | null;
  point: { lon: number; lat: number } | null;
  wardCode: string | null;
  wardName: string | null;
  wardSlug: string | null;
  contactName: string;
  contactEmail: string | null;
  contactPhone: string | null;
  contactVisibility: ContactVisibility;
  website: string | null;
  socialLinks: string[];
  lookingForVolunteers: boolean;
  volunteerDetails: string;
  status: GroupStatus;
  isHub: boolean;
  moderationStatus: ItemStatus;
  lastConfirmedAt: Date;
  confirmRequestedAt: Date | null;
  mayBeOutOfDate: boolean;
  source: string;
  sourceId: string | null;
  mergedInto: string | null;
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
};

type GroupRow = {
  id: string;
  slug: string;
  name: string;
  summary: string;
  description: string;
  who_for: string;
  where_when: string;
  category: Category;
  tags: string[];
  languages: string[];
  accessibility: string;
  step_free: boolean;
  age_min: number | null;
  age_max: number | null;
  cost: Group['cost'];
  meeting_days: Day[];
  meeting_times: TimeOfDay[];
  address: string;
  postcode: string | null;
  lon: number | null;
  lat: number | null;
  ward_code: string | null;
  ward_name: string | null;
  ward_slug: string | null;
  contact_name: string;
  contact_email: string | null;
  contact_phone: string | null;
  contact_visibility: ContactVisibility;
  website: string | null;
  social_links: string[];
  looking_for_volunteers: boolean;
  volunteer_details: string;
  status: GroupStatus;
  is_hub: boolean;
  moderation_status: ItemStatus;
  last_confirmed_at: Date;
  confirm_requested_at: Date | null;
  may_be_out_of_date: boolean;
  source: string;
  source_id: string | null;
  merged_into: string | null;
  member_count: number;
  created_at: Date;
  updated_at: Date;
};

const SELECT = `select g.*, w.name as ward_name, w.slug as ward_slug,
  (select count(*)::int from directory_group_members m where m.group_id = g.id) as member_count
  from directory_groups g left join wards w on w.place_id = g.place_id and w.code = g.ward_code`;

function toGroup(r: GroupRow): Group {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    summary: r.summary,
    description: r.description,
    whoFor: r.who_for,
    whereWhen: r.where_when,
    category: r.category,
    tags: r.tags,
    languages: r.languages,
    accessibility: r.accessibility,
    stepFree: r.step_free,
    ageMin: r.age_min,
    ageMax: r.age_max,
    cost: r.cost,
    days: r.meeting_days,
    times: r.meeting_times,
    address: r.address,
    postcode: r.postcode,
    point: r.lon !== null && r.lat !== null ? { lon: r.lon, lat: r.lat } : null,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    wardSlug: r.ward_slug,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    contactPhone: r.contact_phone,
    contactVisibility: r.contact_visibility,
    website: r.website,
    socialLinks: r.social_links,
    lookingForVolunteers: r.looking_for_volunteers,
    volunteerDetails: r.volunteer_details,
    status: r.status,
    isHub: r.is_hub,
    moderationStatus: r.moderation_status,
    lastConfirmedAt: new Date(r.last_confirmed_at),
    confirmRequestedAt: r.confirm_requested_at ? new Date(r.confirm_requested_at) : null,
    mayBeOutOfDate: r.may_be_out_of_date,
    source: r.source,
    sourceId: r.source_id,
    mergedInto: r.merged_into,
    memberCount: r.member_count,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** Groups anyone may see listed: published by moderation, not closed, not merged away. */
const LISTED = "g.moderation_status = 'published' and g.status <> 'closed' and g.merged_into is null";

export type GroupFilters = {
  ward?: string | null;
  category?: Category | null;
  volunteers?: boolean;
  hubs?: boolean;
};

function filterSql(ctx: ServiceContext, f: GroupFilters): { where: string; params: SqlParam[] } {
  const params: SqlParam[] = [ctx.place.id];
  const clauses = ['g.place_id = $1', LISTED];
  if (f.ward) {
    params.push(f.ward);
    clauses.push(`(w.slug = $${params.length} or w.code = $${params.length})`);
  }
  if (f.category) {
    params.push(f.category);
    clauses.push(`g.category = $${params.length}`);
  }
  if (f.volunteers) clauses.push('g.looking_for_volunteers');
  if (f.hubs) clauses.push('g.is_hub');
  return { where: clauses.join(' and '), params };
}

export async function listGroups(
  ctx: ServiceContext,
  filters: GroupFilters = {},
  page: { limit: number | null; offset: number } = { limit: null, offset: 0 },
): Promise<Group[]> {
  const { where, params } = filterSql(ctx, filters);
  const rows = await ctx.db.query<GroupRow>(
    `${SELECT} where ${where} order by g.name, g.id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, page.limit, page.offset],
  );
  return rows.map(toGroup);
}

export async function countGroups(ctx: ServiceContext, filters: GroupFilters = {}): Promise<number> {
  const { where, params } = filterSql(ctx, filters);
  const rows = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from directory_groups g left join wards w on w.place_id = g.place_id and w.code = g.ward_code where ${where}`,
    params,
  );
  return rows[0]?.n ?? 0;
}

/** Listed groups, those looking for volunteers and hubs, counted in one pass (home page, statistics). */
export async function groupTotals(
  ctx: ServiceContext,
): Promise<{ groups: number; volunteers: number; hubs: number }> {
  const [row] = await ctx.db.query<{ groups: number; volunteers: number; hubs: number }>(
    `select count(*)::int as groups, (count(*) filter (where g.looking_for_volunteers))::int as volunteers,
       (count(*) filter (where g.is_hub))::int as hubs
     from directory_groups g where g.place_id = $1 and ${LISTED}`,
    [ctx.place.id],
  );
  return row ?? { groups: 0, volunteers: 0, hubs: 0 };
}

async function findGroup(db: Db | Tx, placeId: string, slugOrId: string): Promise<Group | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(slugOrId);
  const rows = await db.query<GroupRow>(
    `${SELECT} where g.place_id = $1 and (g.slug = $2 ${isUuid ? 'or g.id = $2::uuid' : ''})`,
    [placeId, slugOrId],
  );
  return rows[0] ? toGroup(rows[0]) : null;
}

async function roleIn(
  db: Db | Tx,
  groupId: string,
  userId: string | undefined,
): Promise<'organiser' | 'member' | null> {
  if (!userId) return null;
  const rows = await db.query<{ role: 'organiser' | 'member' }>(
    'select role from directory_group_members where group_id = $1 and user_id = $2',
    [groupId, userId],
  );
  return rows[0]?.role ?? null;
}

export type GroupView = Group & {
  /** The viewer's relation to the group, for what the page offers them. */
  viewer: { role: 'organiser' | 'member' | null; canManage: boolean; seesContact: boolean };
  /** The moderation item, so anyone can report the page. */
  moderationItemId: string | null;
};

/**
 * A group's page. Groups awaiting moderation or hidden are seen only by their organisers and
 * moderators; contact details follow the organiser's privacy choice.
 */
export async function getGroup(ctx: ServiceContext, slugOrId: string): Promise<GroupView> {
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group) throw new NotFound('There is no such group here');
  const role = await roleIn(ctx.db, group.id, ctx.actor?.userId);
  const canManage = role === 'organiser' || can(ctx.actor, 'directory.group.manage-any');
  if (group.moderationStatus !== 'published' && !canManage && !can(ctx.actor, 'moderation.review'))
    throw new NotFound('There is no such group here');
  const seesContact =
    canManage ||
    group.contactVisibility === 'public' ||
    (group.contactVisibility === 'signed-in' && ctx.actor !== null);
  const moderation = await statusOf(ctx.db, ctx.place.id, 'directory', 'group', [group.id]);
  return {
    ...group,
    viewer: { role, canManage, seesContact },
    moderationItemId: moderation.get(group.id)?.itemId ?? null,
  };
}

/** The public face of a group: contact details only as the organiser chose. */
export function publicGroup(g: Group, seesContact: boolean) {
  return {
    id: g.id,
    slug: g.slug,
    name: g.name,
    summary: g.summary,
    description: g.description,
    who_for: g.whoFor,
    where_when: g.whereWhen,
    category: g.category,
    tags: g.tags,
    languages: g.languages,
    accessibility: g.accessibility,
    step_free: g.stepFree,
    age_min: g.ageMin,
    age_max: g.ageMax,
    cost: g.cost,
    days: g.days,
    times: g.times,
    address: g.address,
    postcode: g.postcode,
    lon: g.point?.lon ?? null,
    lat: g.point?.lat ?? null,
    ward_code: g.wardCode,
    ward_name: g.wardName,
    contact_name: seesContact ? g.contactName : null,
    contact_email: seesContact ? g.contactEmail : null,
    contact_phone: seesContact ? g.contactPhone : null,
    website: g.website,
    social_links: g.socialLinks,
    looking_for_volunteers: g.lookingForVolunteers,
    volunteer_details: g.volunteerDetails,
    status: g.status,
    is_hub: g.isHub,
    members: g.memberCount,
    last_confirmed: g.lastConfirmedAt.toISOString(),
    may_be_out_of_date: g.mayBeOutOfDate,
    source: g.source,
  };
}

async function resolveLocation(ctx: ServiceContext, input: GroupInput) {
  if (input.lat !== '' && input.lon !== '') {
    const point = { lon: Number(input.lon), lat: Number(input.lat) };
    const ward = await wardAt(ctx, point.lon, point.lat);
    if (!ward) throw new Invalid({ lat: 'directory.groups.errors.pointOutside' });
    return { point, wardCode: ward.code };
  }
  const ward = await getWard(ctx, input.ward).catch(() =>
    getWard(ctx, slugify(input.ward)).catch(() => null),
  );
  if (!ward) throw new Invalid({ ward: 'directory.groups.errors.wardUnknown' });
  return { point: null, wardCode: ward.code };
}

async function uniqueSlug(tx: Tx, placeId: string, name: string, exceptId?: string): Promise<string> {
  const base = slugify(name).slice(0, 70).replace(/-+$/, '') || 'group';
  const rows = await tx.query<{ slug: string }>(
    "select slug from directory_groups where place_id = $1 and (slug = $2 or slug like $2 || '-%') and ($3::uuid is null or id <> $3)",
    [placeId, base, exceptId ?? null],
  );
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function columns(
  input: GroupInput,
  location: { point: { lon: number; lat: number } | null; wardCode: string | null },
) {
  return [
    input.name,
    input.summary,
    input.description,
    input.whoFor,
    input.whereWhen,
    input.category,
    input.tags,
    input.languages,
    input.accessibility,
    input.stepFree,
    input.ageMin,
    input.ageMax,
    input.cost,
    input.days,
    input.times,
    input.address,
    input.postcode,
    location.point?.lon ?? null,
    location.point?.lat ?? null,
    location.wardCode,
    input.contactName,
    input.contactEmail || null,
    input.contactPhone || null,
    input.contactVisibility,
    input.website || null,
    input.socialLinks,
    input.lookingForVolunteers,
    input.volunteerDetails,
    input.status,
  ];
}

const COLUMN_NAMES = `name, summary, description, who_for, where_when, category, tags, languages, accessibility,
  step_free, age_min, age_max, cost, meeting_days, meeting_times, address, postcode, lon, lat, ward_code,
  contact_name, contact_email, contact_phone, contact_visibility, website, social_links,
  looking_for_volunteers, volunteer_details, status`;

/**
 * Writes one group's row (the form's fields plus where it came from); the caller registers it
 * for moderation and indexes it. Pending moderation unless a trusted source says published.
 */
export async function insertGroupRow(
  tx: Tx,
  placeId: string,
  row: {
    slug: string;
    input: GroupInput;
    location: { point: { lon: number; lat: number } | null; wardCode: string | null };
    createdBy: string | null;
    isHub?: boolean;
    moderationStatus?: ItemStatus;
    source?: string;
    sourceId?: string | null;
  },
): Promise<string> {
  const [inserted] = await tx.query<{ id: string }>(
    `insert into directory_groups (place_id, slug, created_by, is_hub, moderation_status, source, source_id, ${COLUMN_NAMES})
     values ($1, $2, $3, $4, $5, $6, $7, ${Array.from({ length: 29 }, (_, i) => `$${i + 8}`).join(', ')}) returning id`,
    [
      placeId,
      row.slug,
      row.createdBy,
      row.isHub ?? false,
      row.moderationStatus ?? 'pending',
      row.source ?? 'kith',
      row.sourceId ?? null,
      ...columns(row.input, row.location),
    ],
  );
  return inserted?.id as string;
}

/** Keeps the group's search entry in step with the group, in the same transaction. */
export async function reindexGroup(
  tx: Tx,
  placeId: string,
  placeSlug: string,
  groupId: string,
): Promise<void> {
  const g = await findGroup(tx, placeId, groupId);
  if (!g) return;
  await removeDocument(tx, placeId, g.isHub ? 'group' : 'hub', g.id);
  await indexDocument(tx, {
    placeId,
    kind: g.isHub ? 'hub' : 'group',
    refId: g.id,
    title: g.name,
    summary: g.summary,
    body: [g.description, g.whoFor, g.whereWhen, g.accessibility, g.volunteerDetails].join(' '),
    tags: g.tags,
    url: `/${placeSlug}/groups/${g.slug}`,
    wardCode: g.wardCode,
    point: g.point,
    categories: [g.category],
    languages: g.languages,
    days: g.days,
    times: g.times,
    ageMin: g.ageMin,
    ageMax: g.ageMax,
    free: g.cost === 'free',
    accessible: g.stepFree,
    visible: g.moderationStatus === 'published' && g.status !== 'closed' && g.mergedInto === null,
  });
}

// A moderator's decision shows up in lists and search at once.
onModerationStatusChange('directory', 'group', async (tx, change) => {
  const rows = await tx.query<{ slug: string }>(
    `update directory_groups g set moderation_status = $3 from places p
     where g.place_id = $1 and g.id = $2::uuid and p.id = g.place_id returning p.slug`,
    [change.placeId, change.contentId, change.status],
  );
  if (rows[0]) await reindexGroup(tx, change.placeId, rows[0].slug, change.contentId);
});

export type PostMeta = { ip: string; honeypot?: unknown };

/**
 * An organiser adds their group. New accounts' first posts wait for a moderator; the
 * organiser can see and edit it meanwhile. Returns the group, or null for a caught bot.
 */
export async function createGroup(ctx: ServiceContext, raw: unknown, meta: PostMeta): Promise<Group | null> {
  if (!can(ctx.actor, 'directory.group.create')) throw new Forbidden();
  const input = validated(GroupInput, raw);
  const mod = { ...ctx, requestId: ctx.requestId ?? '' };
  const verdict = await checkPosting(mod, {
    ip: meta.ip,
    text: [input.summary, input.description, input.volunteerDetails].join(' '),
    honeypot: meta.honeypot,
    field: 'description',
  });
  if (verdict === 'drop') return null;
  const location = await resolveLocation(ctx, input);
  return withTransaction(ctx.db, async (tx) => {
    const slug = await uniqueSlug(tx, ctx.place.id, input.name);
    const id = await insertGroupRow(tx, ctx.place.id, {
      slug,
      input,
      location,
      createdBy: ctx.actor?.userId ?? null,
    });
    await tx.query(
      "insert into directory_group_members (place_id, group_id, user_id, role) values ($1, $2, $3, 'organiser')",
      [ctx.place.id, id, ctx.actor?.userId ?? null],
    );
    const status = await registerPost(tx, mod, {
      module: 'directory',
      contentType: 'group',
      contentId: id,
      summary: `${input.name}: ${input.summary}`,
      url: `/${ctx.place.slug}/groups/${slug}`,
    });
    await tx.query('update directory_groups set moderation_status = $2 where id = $1', [id, status]);
    await reindexGroup(tx, ctx.place.id, ctx.place.slug, id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.group.create',
      targetType: 'directory-group',
      targetId: id,
      after: input,
      requestId: ctx.requestId ?? null,
    });
    return (await findGroup(tx, ctx.place.id, id)) as Group;
  });
}

async function requireManager(db: Db | Tx, ctx: ServiceContext, group: Group) {
  const role = await roleIn(db, group.id, ctx.actor?.userId);
  if (role !== 'organiser' && !can(ctx.actor, 'directory.group.manage-any')) throw new Forbidden();
}

/** The group, if the actor may manage it (one of its organisers, or an officer). */
export async function requireGroupManager(ctx: ServiceContext, slugOrId: string): Promise<Group> {
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group) throw new NotFound('There is no such group here');
  await requireManager(ctx.db, ctx, group);
  return group;
}

/** An organiser (or an officer) edits the group; saving also confirms the details are current. */
export async function updateGroup(ctx: ServiceContext, slugOrId: string, raw: unknown): Promise<Group> {
  const before = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!before) throw new NotFound('There is no such group here');
  await requireManager(ctx.db, ctx, before);
  const input = validated(GroupInput, raw);
  const location = await resolveLocation(ctx, input);
  return withTransaction(ctx.db, async (tx) => {
    const slug =
      input.name === before.name ? before.slug : await uniqueSlug(tx, ctx.place.id, input.name, before.id);
    await tx.query(
      `update directory_groups set (${COLUMN_NAMES}) = (${Array.from({ length: 29 }, (_, i) => `$${i + 3}`).join(', ')}),
         slug = $2, last_confirmed_at = now(), confirm_requested_at = null, may_be_out_of_date = false, updated_at = now()
       where id = $1`,
      [before.id, slug, ...columns(input, location)],
    );
    await reindexGroup(tx, ctx.place.id, ctx.place.slug, before.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.group.update',
      targetType: 'directory-group',
      targetId: before.id,
      before,
      after: input,
      requestId: ctx.requestId ?? null,
    });
    return (await findGroup(tx, ctx.place.id, before.id)) as Group;
  });
}

/** "These details are still right": resets the yearly clock and clears "may be out of date". */
export async function confirmGroup(ctx: ServiceContext, slugOrId: string): Promise<void> {
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group) throw new NotFound('There is no such group here');
  await requireManager(ctx.db, ctx, group);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      'update directory_groups set last_confirmed_at = now(), confirm_requested_at = null, may_be_out_of_date = false where id = $1',
      [group.id],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.group.confirm',
      targetType: 'directory-group',
      targetId: group.id,
      before: { lastConfirmedAt: group.lastConfirmedAt },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** Officers mark a group as a community hub (or not). */
export async function setHub(ctx: ServiceContext, slugOrId: string, isHub: boolean): Promise<void> {
  if (!can(ctx.actor, 'directory.group.manage-any')) throw new Forbidden();
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group) throw new NotFound('There is no such group here');
  await withTransaction(ctx.db, async (tx) => {
    await tx.query('update directory_groups set is_hub = $2, updated_at = now() where id = $1', [
      group.id,
      isHub,
    ]);
    await reindexGroup(tx, ctx.place.id, ctx.place.slug, group.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.group.hub',
      targetType: 'directory-group',
      targetId: group.id,
      before: { isHub: group.isHub },
      after: { isHub },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** A resident joins a group (or leaves it); organisers see who their members are. */
export async function setMembership(ctx: ServiceContext, slugOrId: string, join: boolean): Promise<void> {
  const userId = ctx.actor?.userId;
  if (!userId || !can(ctx.actor, 'account.use')) throw new Forbidden();
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group || group.moderationStatus !== 'published') throw new NotFound('There is no such group here');
  const role = await roleIn(ctx.db, group.id, userId);
  if (join === (role !== null)) return;
  await withTransaction(ctx.db, async (tx) => {
    if (join) {
      await tx.query(
        "insert into directory_group_members (place_id, group_id, user_id, role) values ($1, $2, $3, 'member') on conflict do nothing",
        [ctx.place.id, group.id, userId],
      );
    } else {
      if (role === 'organiser') {
        const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(
          "select count(*)::int as n from directory_group_members where group_id = $1 and role = 'organiser'",
          [group.id],
        );
        // A group is never left without anyone to keep it up to date.
        if (n <= 1) throw new Invalid({ leave: 'directory.groups.errors.lastOrganiser' });
      }
      await tx.query('delete from directory_group_members where group_id = $1 and user_id = $2', [
        group.id,
        userId,
      ]);
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: join ? 'directory.group.join' : 'directory.group.leave',
      targetType: 'directory-group',
      targetId: group.id,
      requestId: ctx.requestId ?? null,
    });
  });
}

export type Member = { userId: string; name: string; role: 'organiser' | 'member'; joinedAt: Date };

export async function listMembers(ctx: ServiceContext, slugOrId: string): Promise<Member[]> {
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group) throw new NotFound('There is no such group here');
  await requireManager(ctx.db, ctx, group);
  const rows = await ctx.db.query<{ user_id: string; name: string; role: Member['role']; joined_at: Date }>(
    `select m.user_id, coalesce(nullif(u.display_name, ''), split_part(u.email::text, '@', 1)) as name, m.role, m.joined_at
     from directory_group_members m join users u on u.id = m.user_id
     where m.group_id = $1 and u.deleted_at is null order by m.role desc, name`,
    [group.id],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    role: r.role,
    joinedAt: new Date(r.joined_at),
  }));
}

/** An organiser makes a member a fellow organiser, so running the page is shared. */
export async function makeOrganiser(ctx: ServiceContext, slugOrId: string, userId: string): Promise<void> {
  const group = await findGroup(ctx.db, ctx.place.id, slugOrId);
  if (!group) throw new NotFound('There is no such group here');
  await requireManager(ctx.db, ctx, group);
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query(
      "update directory_group_members set role = 'organiser' where group_id = $1 and user_id = $2 returning user_id",
      [group.id, userId],
    );
    if (!rows.length) throw new Invalid({ member: 'directory.groups.errors.notAMember' });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.group.organiser',
      targetType: 'directory-group',
      targetId: group.id,
      after: { userId },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** The groups a person organises or belongs to, for their account page and data export. */
export async function groupsOf(db: Db | Tx, userId: string) {
  return db.query<{ group_id: string; place_id: string; name: string; role: string; joined_at: Date }>(
    `select m.group_id, m.place_id, g.name, m.role, m.joined_at
     from directory_group_members m join directory_groups g on g.id = m.group_id where m.user_id = $1`,
    [userId],
  );
}

/**
 * The groups here the actor belongs to (as member or organiser) that can still act as a group:
 * not closed, not merged into another, not hidden by moderation. For other modules that let a
 * person do something on a group's behalf (booking a space).
 */
export async function actingGroupsOf(ctx: ServiceContext): Promise<{ id: string; name: string }[]> {
  if (!ctx.actor) return [];
  return ctx.db.query<{ id: string; name: string }>(
    `select g.id, g.name from directory_group_members m join directory_groups g on g.id = m.group_id
     where m.user_id = $1 and g.place_id = $2 and g.status <> 'closed' and g.merged_into is null
       and g.moderation_status <> 'hidden'
     order by g.name, g.id`,
    [ctx.actor.userId, ctx.place.id],
  );
}

/** Groups' names by id, whatever their state now, for records that name the group they were for. */
export async function groupNames(db: Db | Tx, placeId: string, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db.query<{ id: string; name: string }>(
    'select id, name from directory_groups where place_id = $1 and id = any($2::uuid[])',
    [placeId, wanted],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** A group as the data-quality checks see it: identity, contact, place, provenance. */
export type GroupRecord = {
  id: string;
  kind: 'group';
  name: string;
  address: string | null;
  postcode: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  lon: number | null;
  lat: number | null;
  wardCode: string | null;
  url: string;
  source: string;
  lastConfirmedAt: Date;
  mayBeOutOfDate: boolean;
};

/** Every group still in the directory (not closed or merged away), for duplicate and staleness checks. */
export async function groupRecords(ctx: ServiceContext): Promise<GroupRecord[]> {
  const rows = await ctx.db.query<{
    id: string;
    slug: string;
    name: string;
    address: string;
    postcode: string | null;
    contact_phone: string | null;
    contact_email: string | null;
    website: string | null;
    lon: number | null;
    lat: number | null;
    ward_code: string | null;
    source: string;
    last_confirmed_at: Date;
    may_be_out_of_date: boolean;
  }>(
    `select id, slug, name, address, postcode, contact_phone, contact_email, website, lon, lat, ward_code, source,
       last_confirmed_at, may_be_out_of_date
     from directory_groups where place_id = $1 and merged_into is null and status <> 'closed'
       and moderation_status <> 'hidden' order by id`,
    [ctx.place.id],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: 'group',
    name: r.name,
    address: r.address || null,
    postcode: r.postcode,
    phone: r.contact_phone,
    email: r.contact_email,
    website: r.website,
    lon: r.lon,
    lat: r.lat,
    wardCode: r.ward_code,
    url: `/${ctx.place.slug}/groups/${r.slug}`,
    source: r.source,
    lastConfirmedAt: new Date(r.last_confirmed_at),
    mayBeOutOfDate: r.may_be_out_of_date,
  }));
}

/**
 * An officer merges a duplicate group into the one to keep: empty details are filled from the
 * duplicate, its members join the kept group, and its address redirects there.
 */
export async function mergeGroupInto(
  ctx: ServiceContext,
  keepId: string,
  duplicateId: string,
): Promise<void> {
  if (!can(ctx.actor, 'directory.quality')) throw new Forbidden();
  if (keepId === duplicateId) throw new Invalid({ duplicate: 'directory.quality.errors.sameRecord' });
  const keep = await findGroup(ctx.db, ctx.place.id, keepId);
  const duplicate = await findGroup(ctx.db, ctx.place.id, duplicateId);
  if (!keep || !duplicate || keep.mergedInto || duplicate.mergedInto)
    throw new NotFound('No such group to merge');
  await withTransaction(ctx.db, async (tx) => {
    // Fill only what the kept record lacks: an officer's merge never overwrites what organisers wrote.
    await tx.query(
      `update directory_groups k set
         description = case when k.description = '' then d.description else k.description end,
         who_for = case when k.who_for = '' then d.who_for else k.who_for end,
         where_when = case when k.where_when = '' then d.where_when else k.where_when end,
         address = case when k.address = '' then d.address else k.address end,
         postcode = coalesce(k.postcode, d.postcode),
         lon = coalesce(k.lon, d.lon), lat = case when k.lon is null then d.lat else k.lat end,
         contact_email = coalesce(k.contact_email, d.contact_email),
         contact_phone = coalesce(k.contact_phone, d.contact_phone),
         website = coalesce(k.website, d.website),
         tags = (select array(select distinct unnest(k.tags || d.tags))),
         last_confirmed_at = greatest(k.last_confirmed_at, d.last_confirmed_at),
         updated_at = now()
       from directory_groups d where k.id = $1 and d.id = $2`,
      [keep.id, duplicate.id],
    );
    await tx.query(
      `insert into directory_group_members (place_id, group_id, user_id, role, joined_at)
       select place_id, $1, user_id, role, joined_at from directory_group_members where group_id = $2
       on conflict (group_id, user_id) do nothing`,
      [keep.id, duplicate.id],
    );
    await tx.query('update directory_hub_partners set hub_group_id = $1 where hub_group_id = $2', [
      keep.id,
      duplicate.id,
    ]);
    await tx.query('update directory_groups set merged_into = $1, updated_at = now() where id = $2', [
      keep.id,
      duplicate.id,
    ]);
    await reindexGroup(tx, ctx.place.id, ctx.place.slug, keep.id);
    await reindexGroup(tx, ctx.place.id, ctx.place.slug, duplicate.id);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'directory.group.merge',
      targetType: 'directory-group',
      targetId: keep.id,
      before: { keep, duplicate },
      after: { mergedFrom: duplicate.id },
      requestId: ctx.requestId ?? null,
    });
  });
}

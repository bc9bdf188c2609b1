import type { Db, Tx } from '../../../platform/db/types.js';

/**
 * Small look-ups other modules need about groups without reading the directory's tables:
 * names for a list of ids, and which groups a person organises. Names only, never contacts.
 */
export type GroupName = { id: string; slug: string; name: string; isHub: boolean };

export async function groupNames(
  db: Db | Tx,
  placeId: string,
  ids: string[],
): Promise<Map<string, GroupName>> {
  if (!ids.length) return new Map();
  const rows = await db.query<{ id: string; slug: string; name: string; is_hub: boolean }>(
    'select id, slug, name, is_hub from directory_groups where place_id = $1 and id = any($2::uuid[])',
    [placeId, [...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, slug: r.slug, name: r.name, isHub: r.is_hub }]));
}

/** The groups in a place that this person is an organiser of. */
export async function groupsOrganisedBy(
  db: Db | Tx,
  placeId: string,
  userId: string | undefined,
): Promise<GroupName[]> {
  if (!userId) return [];
  const rows = await db.query<{ id: string; slug: string; name: string; is_hub: boolean }>(
    `select g.id, g.slug, g.name, g.is_hub from directory_group_members m join directory_groups g on g.id = m.group_id
     where m.place_id = $1 and m.user_id = $2 and m.role = 'organiser' and g.merged_into is null order by g.name`,
    [placeId, userId],
  );
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, isHub: r.is_hub }));
}

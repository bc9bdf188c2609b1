import type { Db } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { findPlaceBySlug, type Place } from '../../../platform/places/place-service.js';
import { fold } from '../../../platform/search/search-service.js';
import type { Stage, Theme } from '../idea-kinds.js';

/**
 * Ideas, calls, supports and comments written straight into the tables for tests (posting them
 * is another part's job). Not imported by the app.
 */
export async function trafford(db: Db): Promise<Place> {
  return (await findPlaceBySlug(db, 'trafford')) as Place;
}

export function publicContext(db: Db, place: Place): ServiceContext {
  return { db, place, actor: null };
}

let made = 0;

export async function insertCall(db: Db, place: Place, fields: { challengeId?: string | null } = {}) {
  const [row] = await db.query<{ id: string }>(
    `insert into idea_calls (place_id, question, description, challenge_id, opens_on)
     values ($1, $2, '', $3, current_date - 10) returning id`,
    [place.id, `How might we test call ${++made}?`, fields.challengeId ?? null],
  );
  return row?.id as string;
}

export async function insertIdea(
  db: Db,
  place: Place,
  fields: {
    title?: string;
    summary?: string;
    wardCode?: string | null;
    area?: string;
    theme?: Theme;
    stage?: Stage;
    callId?: string | null;
    challengeId?: string | null;
    status?: 'pending' | 'published' | 'hidden';
    daysAgo?: number;
    activeDaysAgo?: number;
  } = {},
): Promise<string> {
  const title = fields.title ?? `Test idea ${++made}`;
  const summary = fields.summary ?? 'Something to try in the neighbourhood.';
  const [row] = await db.query<{ id: string }>(
    `insert into ideas (place_id, title, summary, ward_code, area, theme, stage, call_id, challenge_id,
       moderation_status, fuzzy_text, created_at, last_activity_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
       now() - make_interval(days => $12), now() - make_interval(days => $13)) returning id`,
    [
      place.id,
      title,
      summary,
      fields.wardCode ?? null,
      fields.area ?? '',
      fields.theme ?? 'other',
      fields.stage ?? 'proposed',
      fields.callId ?? null,
      fields.challengeId ?? null,
      fields.status ?? 'published',
      fold(`${title} ${summary}`),
      fields.daysAgo ?? 1,
      fields.activeDaysAgo ?? fields.daysAgo ?? 1,
    ],
  );
  return row?.id as string;
}

async function someone(db: Db): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `insert into users (email, display_name) values ($1, 'Supporter') returning id`,
    [`supporter-${Date.now()}-${++made}@example.org`],
  );
  return row?.id as string;
}

export async function support(db: Db, ideaId: string, times: number): Promise<void> {
  for (let n = 0; n < times; n++)
    await db.query('insert into idea_supports (idea_id, user_id) values ($1, $2)', [
      ideaId,
      await someone(db),
    ]);
}

export async function comment(
  db: Db,
  ideaId: string,
  status: 'pending' | 'published' | 'hidden' = 'published',
): Promise<void> {
  await db.query(
    `insert into idea_comments (idea_id, author_id, body, moderation_status) values ($1, $2, 'Good idea', $3)`,
    [ideaId, await someone(db), status],
  );
}

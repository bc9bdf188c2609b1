import { addDays, isoWeekday } from '../../../lib/civil-date.js';
import { londonAt } from '../../../lib/london-clock.js';
import { objectionDeadline } from '../../../lib/street-notice/deadlines.js';
import type { NoticeStatus } from '../../../lib/street-notice/states.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_TYPES, seedNoticeTypes } from '../types/type-seed.js';
import { deadlineAt, holidaysOf, londonToday } from './notice-clock.js';

/** The demo street party, going ahead (its page is `/trafford/streets/notices/{id}`). */
export const DEMO_NOTICE_ID = '5e7a1c2d-3b4f-4a6e-8d9c-0f1e2d3c0001';
export const DEMO_NOTICE_REFERENCE = 'SP26-DEM0';
const ORGANISER = {
  id: '5e7a1c2d-3b4f-4a6e-8d9c-0f1e2d3c0100',
  email: 'street-party@trafford-together.example',
  name: 'Priya Shah',
};

type DemoNotice = {
  id: string;
  reference: string;
  type: string;
  status: NoticeStatus;
  /** Days from today to the event's Saturday (rounded on to the next Saturday). */
  inDays: number;
  title: string;
  street: string;
  from: string;
  to: string;
  ward: string;
  people: number;
  closure: boolean;
  showOrganiser: boolean;
  objection?: string;
};

const NOTICES: DemoNotice[] = [
  {
    id: DEMO_NOTICE_ID,
    reference: DEMO_NOTICE_REFERENCE,
    type: 'street-party',
    status: 'going-ahead',
    inDays: 42,
    title: 'Derbyshire Road summer street party',
    street: 'Derbyshire Road',
    from: 'the corner with Kings Road',
    to: 'number 60',
    ward: 'E05015256',
    people: 80,
    closure: true,
    showOrganiser: true,
  },
  {
    id: '5e7a1c2d-3b4f-4a6e-8d9c-0f1e2d3c0002',
    reference: 'PS26-P4YS',
    type: 'play-street',
    status: 'confirmed',
    inDays: 8,
    title: 'Playing out on Moss View',
    street: 'Moss View Road',
    from: 'number 2',
    to: 'number 40',
    ward: 'E05015244',
    people: 25,
    closure: true,
    showOrganiser: false,
  },
  {
    id: '5e7a1c2d-3b4f-4a6e-8d9c-0f1e2d3c0003',
    reference: 'RC26-RN5K',
    type: 'road-closure',
    status: 'objected',
    inDays: 70,
    title: 'Sale community fun run',
    street: 'Washway Road',
    from: 'Marsland Road',
    to: 'Temple Road',
    ward: 'E05015254',
    people: 300,
    closure: true,
    showOrganiser: false,
    objection:
      'Washway Road (A56) is the diversion route for the Metrolink replacement buses that weekend. Could you use the parallel roads through the park instead? We will help you plan it.',
  },
  {
    id: '5e7a1c2d-3b4f-4a6e-8d9c-0f1e2d3c0004',
    reference: 'SP26-PAST',
    type: 'street-party',
    status: 'held',
    inDays: -120,
    title: 'Coronation Street party, Urmston',
    street: 'Westbourne Road',
    from: 'Church Road',
    to: 'Queens Road',
    ward: 'E05015259',
    people: 120,
    closure: true,
    showOrganiser: true,
  },
];

/** Street notifications in several states, so the calendar, the officer's list and the figures show something. */
export async function seedStreets({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const holidays = holidaysOf(place);
  const today = londonToday(new Date());
  await withTransaction(db, async (tx) => {
    const types = await seedNoticeTypes(tx, place.id);
    await tx.query(
      `insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing`,
      [ORGANISER.id, ORGANISER.email, ORGANISER.name],
    );
    const wards = new Set(
      (await tx.query<{ code: string }>('select code from wards where place_id = $1', [place.id])).map(
        (w) => w.code,
      ),
    );
    let added = 0;
    for (const n of NOTICES) {
      const rules = DEMO_TYPES.find((t) => t.slug === n.type);
      const typeId = types.get(n.type);
      if (!rules || !typeId) continue;
      let day = addDays(today, n.inDays);
      while (isoWeekday(day) !== 6) day = addDays(day, 1);
      const notified = addDays(day, -(rules.noticeAmount + 14));
      const deadline = deadlineAt(objectionDeadline(day, { ...rules, decisionWorkingDays: 10 }, holidays));
      const rows = await tx.query(
        `insert into street_notices (id, place_id, type_id, reference, mode, status, organiser_id, organiser_name,
           show_organiser, title, description, ward_code, street, from_point, to_point, starts_at, ends_at,
           expected_people, road_closure, answers, notified_at, objection_deadline)
         values ($1, $2, $3, $4, 'notify', $5, $6, $7, $8, $9, '', $10, $11, $12, $13, $14, $15, $16, $17, '{}', $18, $19)
         on conflict (id) do nothing returning id`,
        [
          n.id,
          place.id,
          typeId,
          n.reference,
          n.status,
          ORGANISER.id,
          ORGANISER.name,
          n.showOrganiser,
          n.title,
          wards.has(n.ward) ? n.ward : null,
          n.street,
          n.from,
          n.to,
          londonAt(day, 12 * 60),
          londonAt(day, 18 * 60),
          n.people,
          n.closure,
          londonAt(notified, 10 * 60),
          deadline,
        ],
      );
      if (!rows.length) continue;
      added++;
      const at = londonAt(notified, 10 * 60);
      await tx.query(
        `insert into street_notice_events (notice_id, place_id, action, from_status, to_status, actor_id, at)
         values ($1, $2, 'submit', 'draft', 'going-ahead', $3, $4)`,
        [n.id, place.id, ORGANISER.id, at],
      );
      if (n.objection)
        await tx.query(
          `insert into street_notice_events (notice_id, place_id, action, from_status, to_status, reason, at)
           values ($1, $2, 'object', 'going-ahead', 'objected', $3, $4)`,
          [n.id, place.id, n.objection, new Date(at.getTime() + 3 * 86_400_000)],
        );
      if (n.status === 'confirmed' || n.status === 'held')
        await tx.query(
          `insert into street_notice_events (notice_id, place_id, action, from_status, to_status, at)
           values ($1, $2, 'close-window', 'going-ahead', 'confirmed', $3)`,
          [n.id, place.id, deadline],
        );
      if (n.status === 'held')
        await tx.query(
          `insert into street_notice_events (notice_id, place_id, action, from_status, to_status, at)
           values ($1, $2, 'event-over', 'confirmed', 'held', $3)`,
          [n.id, place.id, londonAt(day, 18 * 60)],
        );
    }
    log(`streets: ${types.size} notification types, ${added} notifications`);
  });
}

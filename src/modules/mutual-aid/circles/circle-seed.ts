import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { londonDay, londonInstant } from './circle-time.js';

/** The demo circle (its page is `/trafford/help/circles/<this id>`), for Margaret. */
export const DEMO_CIRCLE_ID = '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0c01';
export const DEMO_CIRCLE_SLOT_ID = '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0d01';
export const DEMO_CIRCLE_NOTE_ID = '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0e01';
/** Demo people: no password, so nobody can sign in as them without the password-reset email. */
export const DEMO_CIRCLE_PERSON_ID = '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0a01';
export const DEMO_CIRCLE_HELPER_ID = '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0a02';
const DEMO_CIRCLE_HELPER_2_ID = '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0a03';

// Reserved example domains only.
const PEOPLE = [
  { id: DEMO_CIRCLE_PERSON_ID, email: 'margaret.circle@example.net', name: 'Margaret', role: 'owner' },
  { id: DEMO_CIRCLE_HELPER_ID, email: 'sam.circle@example.net', name: 'Sam', role: 'helper' },
  { id: DEMO_CIRCLE_HELPER_2_ID, email: 'aisha.circle@example.net', name: 'Aisha', role: 'helper' },
] as const;

// A week of rota from today: [days from today, start, end (minutes past midnight), task, who].
const ROTA: [number, number, number, string, string | null][] = [
  [0, 18 * 60, 18 * 60 + 30, 'Evening phone call to check in', DEMO_CIRCLE_HELPER_ID],
  [1, 10 * 60, 11 * 60, 'Collect the prescription from the chemist on King Street', DEMO_CIRCLE_HELPER_2_ID],
  [2, 14 * 60, 15 * 60, 'Cup of tea and a chat', null],
  [3, 9 * 60 + 30, 10 * 60 + 30, 'Put the bins out and bring them back in', DEMO_CIRCLE_HELPER_ID],
  [4, 11 * 60, 12 * 60 + 30, 'Weekly shop at the supermarket', null],
  [5, 15 * 60, 16 * 60, 'Walk round Longford Park', DEMO_CIRCLE_HELPER_2_ID],
  [6, 18 * 60, 18 * 60 + 30, 'Evening phone call to check in', null],
];

const NOTES = [
  'The chemist now does the prescription on Tuesdays, not Mondays. Ring the bell twice: the knocker is loose.',
  'Margaret prefers oat milk and the small loaf. She would love a walk if the weather is dry.',
];

export async function seedCareCircles({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  await withTransaction(db, async (tx) => {
    for (const p of PEOPLE)
      await tx.query(
        `insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now())
         on conflict do nothing`,
        [p.id, p.email, p.name],
      );
    const added = await tx.query(
      `insert into aid_circles (id, place_id, name, person_id, created_by, helpers_may_add_notes)
       values ($1, $2, 'Margaret’s neighbours', $3, $3, true) on conflict (id) do nothing returning id`,
      [DEMO_CIRCLE_ID, place.id, DEMO_CIRCLE_PERSON_ID],
    );
    if (!added.length) return;
    for (const p of PEOPLE)
      await tx.query(
        'insert into aid_circle_members (circle_id, user_id, role) values ($1, $2, $3) on conflict do nothing',
        [DEMO_CIRCLE_ID, p.id, p.role],
      );
    const [y, m, d] = londonDay(new Date()).split('-').map(Number) as [number, number, number];
    for (const [i, [days, from, to, task, who]] of ROTA.entries()) {
      // Whole days on a noon-UTC clock, then back to a London date: safe across BST changes.
      const [yy, mm, dd] = londonDay(new Date(Date.UTC(y, m - 1, d + days, 12)))
        .split('-')
        .map(Number) as [number, number, number];
      await tx.query(
        `insert into aid_circle_rota (id, circle_id, starts_at, ends_at, task, volunteer_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          i === 2 ? DEMO_CIRCLE_SLOT_ID : `6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0d${String(i + 10)}`,
          DEMO_CIRCLE_ID,
          londonInstant(yy, mm, dd, from),
          londonInstant(yy, mm, dd, to),
          task,
          who,
          DEMO_CIRCLE_PERSON_ID,
        ],
      );
    }
    for (const [i, body] of NOTES.entries())
      await tx.query(
        `insert into aid_circle_notes (id, circle_id, author_id, body, created_at)
         values ($1, $2, $3, $4, now() - make_interval(days => $5))`,
        [
          i === 0 ? DEMO_CIRCLE_NOTE_ID : '6a1d0c1c-7e1e-4c1e-9a7b-5e2d8f1a0e02',
          DEMO_CIRCLE_ID,
          i === 0 ? DEMO_CIRCLE_HELPER_2_ID : DEMO_CIRCLE_PERSON_ID,
          body,
          2 - i,
        ],
      );
    log('Mutual aid: 1 care circle with a week of rota');
  });
}

import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { listWards } from '../../wards/ward-service.js';
import { DEMO_DEVELOPING_IDEA_ID, DEMO_IDEA_AUTHORS } from '../seed/demo-ideas.js';
import type { How, LanguageCode, SkillCode, TimeBand } from './skill-taxonomy.js';

/** The skills part's fixed ids (its own range of the ideas module's demo ids). */
const id = (n: number) => `1dea0000-0000-4000-8004-${String(n).padStart(12, '0')}`;

/** A private offer with a request waiting for its answer (demoParams `skillOffer`). */
export const DEMO_SKILL_OFFER_ID = id(101);
/** The waiting request to it, from the play street team (demoParams `skillRequest`). */
export const DEMO_SKILL_REQUEST_ID = id(201);
/** An accepted request from the same team to another offer. */
export const DEMO_ACCEPTED_REQUEST_ID = id(202);

/** Residents who list their skills, beside the ideas' authors (accounts without passwords). */
export const DEMO_SKILL_PEOPLE = [
  { id: id(801), email: 'sam.skills@trafford-together.example', name: 'Sam Okafor' },
  { id: id(802), email: 'wendy.skills@trafford-together.example', name: 'Wendy Clarke' },
  { id: id(803), email: 'tomasz.skills@trafford-together.example', name: 'Tomasz Nowak' },
  { id: id(804), email: 'farah.skills@trafford-together.example', name: 'Farah Hussain' },
  { id: id(805), email: 'bev.skills@trafford-together.example', name: 'Bev Morris' },
  { id: id(806), email: 'kwame.skills@trafford-together.example', name: 'Kwame Mensah' },
  { id: id(807), email: 'lucy.skills@trafford-together.example', name: 'Lucy Chen' },
] as const;

type DemoOffer = {
  id: string;
  userId: string;
  skills: SkillCode[];
  other?: string;
  languages: LanguageCode[];
  time: TimeBand;
  how: How;
  ward: string;
  public?: true;
  daysAgo: number;
};

const P = DEMO_SKILL_PEOPLE;
const A = DEMO_IDEA_AUTHORS;

const OFFERS: DemoOffer[] = [
  {
    id: DEMO_SKILL_OFFER_ID,
    userId: P[0].id,
    skills: ['gardening', 'first-aid', 'event-planning'],
    other: 'I stewarded fun runs for ten years.',
    languages: ['en'],
    time: '2-to-5',
    how: 'in-person',
    ward: 'urmston',
    daysAgo: 30,
  },
  {
    id: id(102),
    userId: P[1].id,
    skills: ['event-planning', 'fundraising', 'chairing'],
    other: 'Retired school business manager; happy to help a group write its first budget.',
    languages: ['en'],
    time: '5-to-10',
    how: 'both',
    ward: 'urmston',
    public: true,
    daysAgo: 45,
  },
  {
    id: id(103),
    userId: P[2].id,
    skills: ['diy-repairs', 'bike-repair', 'driving'],
    languages: ['en', 'pl'],
    time: 'up-to-2',
    how: 'in-person',
    ward: 'gorse-hill-cornbrook',
    daysAgo: 12,
  },
  {
    id: id(104),
    userId: P[3].id,
    skills: ['interpreting', 'befriending', 'cooking'],
    languages: ['en', 'ur', 'pa'],
    time: '2-to-5',
    how: 'both',
    ward: 'longford',
    public: true,
    daysAgo: 20,
  },
  {
    id: id(105),
    userId: P[4].id,
    skills: ['bookkeeping', 'accounting', 'bid-writing'],
    languages: ['en'],
    time: 'up-to-2',
    how: 'online',
    ward: 'sale-central',
    daysAgo: 60,
  },
  {
    id: id(106),
    userId: P[5].id,
    skills: ['music', 'youth-work', 'mentoring'],
    languages: ['en', 'fr'],
    time: 'over-10',
    how: 'in-person',
    ward: 'stretford-humphrey-park',
    daysAgo: 8,
  },
  {
    id: id(107),
    userId: P[6].id,
    skills: ['websites', 'design', 'social-media'],
    languages: ['en', 'cmn', 'yue'],
    time: '5-to-10',
    how: 'online',
    ward: 'altrincham',
    daysAgo: 3,
  },
  {
    id: id(108),
    userId: A[0].id,
    skills: ['writing', 'photography'],
    languages: ['en', 'gu', 'hi'],
    time: 'up-to-2',
    how: 'both',
    ward: 'altrincham',
    public: true,
    daysAgo: 90,
  },
  {
    id: id(109),
    userId: A[1].id,
    skills: ['gardening', 'litter-picking', 'diy-repairs'],
    languages: ['en', 'cy'],
    time: '2-to-5',
    how: 'in-person',
    ward: 'gorse-hill-cornbrook',
    daysAgo: 15,
  },
  {
    id: id(110),
    userId: A[2].id,
    skills: ['cooking', 'childcare-play', 'teaching'],
    languages: ['en', 'so', 'ar'],
    time: '5-to-10',
    how: 'in-person',
    ward: 'longford',
    daysAgo: 25,
  },
  {
    id: id(111),
    userId: A[4].id,
    skills: ['health-care', 'befriending'],
    other: 'Community nurse, can give talks about staying well in winter.',
    languages: ['en'],
    time: 'up-to-2',
    how: 'both',
    ward: 'sale-central',
    daysAgo: 50,
  },
  {
    id: id(112),
    userId: A[3].id,
    skills: ['gardening', 'sewing'],
    languages: ['en'],
    time: 'up-to-2',
    how: 'in-person',
    ward: 'urmston',
    daysAgo: 1,
  },
];

/**
 * About a dozen offers across the wards, most private, and two requests from the play street
 * team (its author, Joe, leads it): one waiting for an answer, one accepted. Idempotent.
 */
export async function seedSkills({ db, place, log }: SeedContext): Promise<void> {
  const wards = new Map((await listWards({ db, place, actor: null })).map((w) => [w.slug, w.code]));
  const lead = A[3];
  await withTransaction(db, async (tx) => {
    for (const p of DEMO_SKILL_PEOPLE)
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [p.id, p.email, p.name],
      );
    // The play street's team, as the development part seeds it too (same values).
    await tx.query(
      `insert into idea_team_members (idea_id, user_id, is_lead, role) values ($1, $2, true, 'Organising the street closure')
       on conflict do nothing`,
      [DEMO_DEVELOPING_IDEA_ID, lead.id],
    );
    let added = 0;
    for (const o of OFFERS) {
      const ward = wards.get(o.ward);
      if (!ward) continue;
      const rows = await tx.query(
        `insert into skill_offers (id, place_id, user_id, skills, other_skills, languages, time_band, how, ward_code,
           visibility, created_at, updated_at)
         values ($1, $2, $3, $4::text[], $5, $6::text[], $7, $8, $9, $10, now() - make_interval(days => $11),
           now() - make_interval(days => $11))
         on conflict do nothing returning id`,
        [
          o.id,
          place.id,
          o.userId,
          o.skills,
          o.other ?? '',
          o.languages,
          o.time,
          o.how,
          ward,
          o.public ? 'public' : 'private',
          o.daysAgo,
        ],
      );
      added += rows.length;
    }
    const request = async (reqId: string, offerId: string, message: string, accepted: boolean) =>
      tx.query(
        `insert into skill_requests (id, place_id, offer_id, from_user_id, idea_id, message, status, created_at,
           responded_at)
         select $1, $2, $3, $4, $5, $6, $7, now() - interval '4 days', $8::timestamptz
         where exists (select 1 from skill_offers where id = $3)
         on conflict do nothing`,
        [
          reqId,
          place.id,
          offerId,
          lead.id,
          DEMO_DEVELOPING_IDEA_ID,
          message,
          accepted ? 'accepted' : 'pending',
          accepted ? new Date(Date.now() - 2 * 86_400_000) : null,
        ],
      );
    await request(
      DEMO_SKILL_REQUEST_ID,
      DEMO_SKILL_OFFER_ID,
      'We are closing our road for children to play on the first Sunday of the month. Could you be our first aider for the afternoon, 1pm to 4pm?',
      false,
    );
    await request(
      DEMO_ACCEPTED_REQUEST_ID,
      id(102),
      'Could you help us plan the first play street: the timetable, the stewards and a letter to neighbours?',
      true,
    );
    log(`Ideas: ${added} skills offers and two requests for help`);
  });
}

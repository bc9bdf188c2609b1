import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { fold } from '../../../platform/search/search-service.js';
import { listWards } from '../../wards/ward-service.js';
import type { Stage, Theme } from '../idea-kinds.js';

/**
 * The demo place's ideas, shared by every part of the module: posting adds supports and
 * comments to them, stages add teams, trials and updates, so each part's seed builds on these
 * fixed ids (like a real idea's life, in order).
 */
const id = (n: number) => `1dea0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The open call (demoParams `call`). */
export const DEMO_CALL_ID = id(900);
/** A proposed idea anyone can support and comment on (demoParams `idea`). */
export const DEMO_IDEA_ID = id(1);
/** An idea being developed, with a team (stages seed). */
export const DEMO_DEVELOPING_IDEA_ID = id(4);
/** An idea being tested with a space booking and a micro-grant (stages seed). */
export const DEMO_TESTING_IDEA_ID = id(6);
/** An idea waiting for moderation (its author's first post). */
export const DEMO_PENDING_IDEA_ID = id(9);

/** Residents who posted the demo ideas (accounts without passwords). */
export const DEMO_IDEA_AUTHORS = [
  { id: id(801), email: 'priya.ideas@trafford-together.example', name: 'Priya Shah' },
  { id: id(802), email: 'gareth.ideas@trafford-together.example', name: 'Gareth Lloyd' },
  { id: id(803), email: 'amina.ideas@trafford-together.example', name: 'Amina Yusuf' },
  { id: id(804), email: 'joe.ideas@trafford-together.example', name: 'Joe Walsh' },
  { id: id(805), email: 'helen.ideas@trafford-together.example', name: 'Helen Doyle' },
] as const;

export type DemoIdea = {
  id: string;
  author: number;
  title: string;
  summary: string;
  whoItHelps: string;
  ward: string | null;
  area?: string;
  theme: Theme;
  stage: Stage;
  call?: true;
  daysAgo: number;
  pending?: true;
};

export const DEMO_IDEAS: readonly DemoIdea[] = [
  {
    id: DEMO_IDEA_ID,
    author: 0,
    title: 'Benches and planters along Stamford New Road',
    summary:
      'There is nowhere to sit between the station and the market. Older people tell us they stop coming into town because they cannot rest on the way. A few benches with planters, looked after by the traders, would make people stay longer.',
    whoItHelps: 'Older people, parents with small children, anyone who finds the walk from the station long.',
    ward: 'altrincham',
    theme: 'high-streets',
    stage: 'proposed',
    call: true,
    daysAgo: 12,
  },
  {
    id: id(2),
    author: 1,
    title: 'A tool library in Stretford',
    summary:
      'Most of us own a drill we use twice a year. A tool library in an empty shop unit would lend ladders, drills and garden tools for a small donation, and run repair sessions.',
    whoItHelps: 'Renters, people on low incomes, anyone doing up a home or garden.',
    ward: 'gorse-hill-cornbrook',
    theme: 'community-spaces',
    stage: 'proposed',
    daysAgo: 20,
  },
  {
    id: id(3),
    author: 2,
    title: 'Free summer holiday lunches in the park',
    summary:
      'Children who get free school meals go hungry in the holidays. Volunteers could serve lunch with games in Longford Park twice a week over the summer, with food from the surplus food network.',
    whoItHelps: 'Families on low incomes, children aged 5 to 14.',
    ward: 'longford',
    theme: 'food',
    stage: 'proposed',
    daysAgo: 5,
  },
  {
    id: DEMO_DEVELOPING_IDEA_ID,
    author: 3,
    title: 'Pop-up play street on Sunday afternoons',
    summary:
      'Close our road to through traffic for three hours on the first Sunday of each month so children can play out safely, as other towns do. Neighbours steward each end.',
    whoItHelps: 'Children and their families on the street, and neighbours who want to meet each other.',
    ward: 'urmston',
    theme: 'sport-and-play',
    stage: 'developing',
    daysAgo: 64,
  },
  {
    id: id(5),
    author: 4,
    title: 'Welcome packs for new residents in Sale',
    summary:
      'A pack for people who have just moved in: the groups, the hubs, the bin days and a note from a neighbour. Put together by local groups and handed out by volunteers.',
    whoItHelps: 'People new to the area, especially those who have come from abroad.',
    ward: 'sale-central',
    theme: 'community-spaces',
    stage: 'developing',
    call: true,
    daysAgo: 80,
  },
  {
    id: DEMO_TESTING_IDEA_ID,
    author: 0,
    title: 'Pay-as-you-feel café in the empty unit on the high street',
    summary:
      'Test a six-week pop-up café run by volunteers in the empty unit by the market hall, with a space to sit, free tea for anyone on their own and a noticeboard of what is on.',
    whoItHelps: 'People on their own, older residents, anyone who wants a cheap, warm place to sit.',
    ward: 'altrincham',
    theme: 'high-streets',
    stage: 'testing',
    call: true,
    daysAgo: 120,
  },
  {
    id: id(7),
    author: 1,
    title: 'Wildflower verges instead of mowing',
    summary:
      'Stop mowing three stretches of verge on Chester Road from April to August and sow wildflowers, with signs explaining why. Count the bees and butterflies with the primary school.',
    whoItHelps: 'Wildlife, the school, everyone who walks the road.',
    ward: 'stretford-humphrey-park',
    theme: 'environment',
    stage: 'adopted',
    daysAgo: 300,
  },
  {
    id: id(8),
    author: 2,
    title: 'Evening homework club at the library',
    summary:
      'Keep the library open until 7pm on two weekday evenings with volunteers to help with homework, for children who have no quiet place at home.',
    whoItHelps: 'Secondary school pupils without a quiet place to study.',
    ward: null,
    area: 'Partington and Carrington',
    theme: 'young-people',
    stage: 'learned',
    daysAgo: 240,
  },
  {
    id: DEMO_PENDING_IDEA_ID,
    author: 4,
    title: 'A community fridge at the church hall',
    summary:
      'A fridge where shops and neighbours leave food that would otherwise go to waste, and anyone can take it, open every day.',
    whoItHelps: 'Anyone who needs food, and shops with surplus.',
    ward: 'sale-central',
    theme: 'food',
    stage: 'proposed',
    daysAgo: 1,
    pending: true,
  },
];

export async function seedDemoIdeas({ db, place, log }: SeedContext): Promise<void> {
  const wards = new Map((await listWards({ db, place, actor: null })).map((w) => [w.slug, w.code]));
  await withTransaction(db, async (tx) => {
    for (const a of DEMO_IDEA_AUTHORS)
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [a.id, a.email, a.name],
      );
    await tx.query(
      `insert into idea_calls (id, place_id, question, description, opens_on)
       values ($1, $2, $3, $4, (now() at time zone 'Europe/London')::date - 150)
       on conflict (id) do nothing`,
      [
        DEMO_CALL_ID,
        place.id,
        'How might we make our high streets places to linger?',
        'Town centres are changing. We want ideas from residents, traders and groups for making our high streets somewhere people want to spend time, not just pass through. The best ideas can be tested with a space and a small grant.',
      ],
    );
    let added = 0;
    for (const idea of DEMO_IDEAS) {
      const author = DEMO_IDEA_AUTHORS[idea.author];
      const status = idea.pending ? 'pending' : 'published';
      const rows = await tx.query(
        `insert into ideas (id, place_id, author_id, title, summary, who_it_helps, ward_code, area, theme, call_id,
           stage, moderation_status, fuzzy_text, created_at, updated_at, last_activity_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
           now() - make_interval(days => $14), now() - make_interval(days => $14), now() - make_interval(days => $14))
         on conflict (id) do nothing returning id`,
        [
          idea.id,
          place.id,
          author?.id ?? null,
          idea.title,
          idea.summary,
          idea.whoItHelps,
          idea.ward ? (wards.get(idea.ward) ?? null) : null,
          idea.area ?? '',
          idea.theme,
          idea.call ? DEMO_CALL_ID : null,
          idea.stage,
          status,
          fold(`${idea.title} ${idea.summary}`),
          idea.daysAgo,
        ],
      );
      if (!rows.length) continue;
      added++;
      await tx.query(
        `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
         values ($1, 'ideas', 'idea', $2, $3, $4, $5, $6)`,
        [place.id, idea.id, author?.id ?? null, idea.title, `/${place.slug}/ideas/${idea.id}`, status],
      );
    }
    log(`Ideas: ${added} ideas and an open call`);
  });
}

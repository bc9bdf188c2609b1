import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import {
  DEMO_DEVELOPING_IDEA_ID,
  DEMO_IDEA_AUTHORS,
  DEMO_IDEA_ID,
  DEMO_IDEAS,
  DEMO_TESTING_IDEA_ID,
} from '../seed/demo-ideas.js';

const residentId = (n: number) => `1dea0000-0000-4000-8001-${String(n).padStart(12, '0')}`;
const commentId = (n: number) => `1dea0000-0000-4000-8002-${String(n).padStart(12, '0')}`;

/** Residents who support and comment on the demo ideas (accounts without passwords). */
const FIRST_NAMES = [
  'Sam',
  'Aisha',
  'Tom',
  'Grace',
  'Imran',
  'Lucy',
  'Dan',
  'Mei',
  'Owen',
  'Zara',
  'Kieran',
  'Ruth',
  'Marek',
  'Nadia',
  'Chris',
  'Fiona',
  'Yusuf',
  'Beth',
  'Ade',
  'Carys',
  'Liam',
  'Hannah',
  'Raj',
  'Jess',
  'Pete',
  'Sophie',
  'Ali',
  'Megan',
  'Steve',
  'Tara',
];
export const DEMO_RESIDENTS = FIRST_NAMES.map((name, i) => ({
  id: residentId(i + 1),
  email: `${name.toLowerCase()}.supports@trafford-together.example`,
  name: `${name} ${String.fromCharCode(65 + (i % 26))}.`,
}));

/** The first comment on the demo idea, with a thread of replies under it (demoParams `ideaComment`). */
export const DEMO_IDEA_COMMENT_ID = commentId(1);

/** How many residents support each demo idea (never its author, never the pending one). */
const SUPPORTS: Record<string, number> = {
  [DEMO_IDEA_ID]: 23,
  [DEMO_IDEAS[1]?.id as string]: 9,
  [DEMO_IDEAS[2]?.id as string]: 14,
  [DEMO_DEVELOPING_IDEA_ID]: 30,
  [DEMO_IDEAS[4]?.id as string]: 12,
  [DEMO_TESTING_IDEA_ID]: 28,
  [DEMO_IDEAS[6]?.id as string]: 26,
  [DEMO_IDEAS[7]?.id as string]: 8,
};

type DemoComment = { n: number; idea: string; parent?: number; by: string; body: string; hoursAgo: number };
const author = (i: number) => DEMO_IDEA_AUTHORS[i]?.id as string;
const resident = (i: number) => DEMO_RESIDENTS[i]?.id as string;

const COMMENTS: DemoComment[] = [
  {
    n: 1,
    idea: DEMO_IDEA_ID,
    by: resident(0),
    body: 'Yes please. My mum uses a stick and has to stop at the bus shelter halfway. A bench near the old post office would make all the difference.',
    hoursAgo: 260,
  },
  {
    n: 2,
    idea: DEMO_IDEA_ID,
    parent: 1,
    by: author(0),
    body: 'Thank you — that spot came up several times. Would you and your mum be up for walking the route with us to mark where benches are needed?',
    hoursAgo: 250,
  },
  {
    n: 3,
    idea: DEMO_IDEA_ID,
    parent: 2,
    by: resident(0),
    body: 'Happy to. Saturday mornings are best for us.',
    hoursAgo: 240,
  },
  {
    n: 4,
    idea: DEMO_IDEA_ID,
    parent: 3,
    by: resident(3),
    body: 'Count me in for Saturday too — I run the flower stall and can look after a planter.',
    hoursAgo: 200,
  },
  {
    n: 5,
    idea: DEMO_IDEA_ID,
    by: resident(5),
    body: 'Could the planters be the kind with a seat built in? Saves space on the narrow bits of pavement.',
    hoursAgo: 120,
  },
  {
    n: 6,
    idea: DEMO_IDEAS[1]?.id as string,
    by: resident(8),
    body: 'There is a repair café at the library once a month already — could the two work together?',
    hoursAgo: 300,
  },
  {
    n: 7,
    idea: DEMO_IDEAS[1]?.id as string,
    parent: 6,
    by: author(1),
    body: 'Great idea, I will get in touch with them.',
    hoursAgo: 290,
  },
  {
    n: 8,
    idea: DEMO_DEVELOPING_IDEA_ID,
    by: resident(10),
    body: 'We did this on our road in Chorlton and it was brilliant. Happy to share how we did the road closure form.',
    hoursAgo: 900,
  },
];

/** Supports, follows and comment threads on the demo ideas, as published moderation items. */
export async function seedIdeaPosting({ db, place, log }: SeedContext): Promise<void> {
  await withTransaction(db, async (tx) => {
    for (const r of DEMO_RESIDENTS)
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [r.id, r.email, r.name],
      );
    const present = new Set(
      (
        await tx.query<{ id: string }>('select id from ideas where place_id = $1 and id = any($2::uuid[])', [
          place.id,
          Object.keys(SUPPORTS),
        ])
      ).map((r) => r.id),
    );
    let supports = 0;
    for (const [ideaId, count] of Object.entries(SUPPORTS)) {
      if (!present.has(ideaId)) continue;
      for (let i = 0; i < count && i < DEMO_RESIDENTS.length; i++) {
        const rows = await tx.query(
          `insert into idea_supports (idea_id, user_id, created_at) values ($1, $2, now() - make_interval(hours => $3))
           on conflict do nothing returning idea_id`,
          [ideaId, resident(i), 2 + i * 3],
        );
        supports += rows.length;
      }
    }
    // Authors follow their own ideas (as posting does); a few residents follow ones they care about.
    for (const idea of DEMO_IDEAS)
      if (present.has(idea.id))
        await tx.query('insert into idea_follows (idea_id, user_id) values ($1, $2) on conflict do nothing', [
          idea.id,
          author(idea.author),
        ]);
    for (const [ideaId, people] of [
      [DEMO_IDEA_ID, [0, 3, 5, 7]],
      [DEMO_DEVELOPING_IDEA_ID, [10, 11]],
      [DEMO_TESTING_IDEA_ID, [1, 2, 4]],
    ] as const)
      for (const p of people)
        await tx.query('insert into idea_follows (idea_id, user_id) values ($1, $2) on conflict do nothing', [
          ideaId,
          resident(p),
        ]);
    let comments = 0;
    for (const c of COMMENTS) {
      if (!present.has(c.idea)) continue;
      const rows = await tx.query<{ id: string }>(
        `insert into idea_comments (id, idea_id, parent_id, author_id, body, moderation_status, created_at)
         values ($1, $2, $3, $4, $5, 'published', now() - make_interval(hours => $6))
         on conflict (id) do nothing returning id`,
        [commentId(c.n), c.idea, c.parent ? commentId(c.parent) : null, c.by, c.body, c.hoursAgo],
      );
      if (!rows.length) continue;
      comments++;
      await tx.query(
        `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
         values ($1, 'ideas', 'idea-comment', $2, $3, $4, $5, 'published')`,
        [
          place.id,
          commentId(c.n),
          c.by,
          c.body.slice(0, 300),
          `/${place.slug}/ideas/${c.idea}#comment-${commentId(c.n)}`,
        ],
      );
    }
    log(`Ideas: ${supports} supports and ${comments} comments on the demo ideas`);
  });
}

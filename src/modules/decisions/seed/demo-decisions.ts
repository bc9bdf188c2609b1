import { randomUUID } from 'node:crypto';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { NotFound } from '../../../platform/http/errors.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_FINISHED_SLUG } from '../../assemblies/seed/demo-assemblies.js';
import { getGroup } from '../../directory/groups/group-service.js';
import { listWards } from '../../wards/ward-service.js';
import type { Decider, Kind, Status } from '../decision-input.js';

const id = (n: number) => `dec10000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The Sale Library decision, open for input (demoParams `decision`). */
export const DEMO_DECISION_ID = id(1);
/** Its first option (demoParams `decisionOption`). */
export const DEMO_OPTION_ID = id(101);
/** Its first evidence document, a web address (demoParams `decisionEvidence`). */
export const DEMO_EVIDENCE_ID = id(151);
export const DEMO_MADE_ID = id(2);
export const DEMO_REVIEWED_ID = id(3);
export const DEMO_UPCOMING_ID = id(4);
export const DEMO_DRAFT_ID = id(5);

/** Residents who commented (accounts without passwords). */
const COMMENTERS = [
  { id: id(801), email: 'rita.decisions@trafford-together.example', name: 'Rita Okafor' },
  { id: id(802), email: 'tom.decisions@trafford-together.example', name: 'Tom Hughes' },
] as const;

type DemoDecision = {
  id: string;
  title: string;
  background: string;
  kind: Kind;
  status: Status;
  decider: Decider;
  deciderName?: string;
  /** Days from today (negative: in the past). */
  dueIn: number | null;
  closesIn?: number;
  ward?: string;
  opened?: boolean;
  options: {
    id: string;
    title: string;
    description: string;
    costPence: number | null;
    pros: string;
    cons: string;
  }[];
  constraints: [string, string][];
  evidence: [string, string][];
  links: [string, string, string][];
  partners?: { name: string; group?: string }[];
  chosen?: string;
  decisionText?: string;
  reasons?: string;
  decidedDaysAgo?: number;
  responses?: [string, string][];
  review?: string;
  reviewedDaysAgo?: number;
  comments?: { n: number; by: number; body: string; hoursAgo: number }[];
  /** Status moves, oldest first, with days ago. */
  timeline: [Status, number][];
};

const DECISIONS = (placeSlug: string): DemoDecision[] => [
  {
    id: DEMO_DECISION_ID,
    title: 'Should the council move Sale Library into the new civic hub?',
    background:
      'Sale Library’s building on Tatton Road needs about £1.2 million of repairs over the next five years, including a new roof and heating. The new civic hub at Sale Waterside will have space for a library alongside council services, a café and community rooms.\nBefore cabinet decides, we want to hear from library users, from people who do not use the library now, and from groups who meet there.',
    kind: 'ordinary',
    status: 'open',
    decider: 'cabinet',
    dueIn: 60,
    closesIn: 28,
    ward: 'Sale Central',
    opened: true,
    options: [
      {
        id: DEMO_OPTION_ID,
        title: 'Move the library into the civic hub',
        description:
          'The library moves to the ground floor of the hub, with longer opening hours shared with the customer service desk.',
        costPence: 45_000_000,
        pros: 'Longer opening hours; step-free access; one trip for several services; saves about £90,000 a year in running costs.',
        cons: 'Further to walk for people living south of the town centre; less space for the children’s library; the old building would need a new use.',
      },
      {
        id: id(102),
        title: 'Repair the library where it is',
        description: 'Keep the library on Tatton Road and carry out the repairs over three years.',
        costPence: 120_000_000,
        pros: 'The library stays where people know it; the building is loved and locally listed.',
        cons: 'Costs the most; the library would close for parts of the repairs; running costs stay high.',
      },
      {
        id: id(103),
        title: 'Keep a smaller library on Tatton Road and open a second point in the hub',
        description: 'Repair only the ground floor on Tatton Road and add self-service lending in the hub.',
        costPence: 70_000_000,
        pros: 'Keeps a library in the old building and adds one in the hub.',
        cons: 'Staff split across two sites; upstairs rooms used by groups would close.',
      },
    ],
    constraints: [
      [
        'money',
        'The capital budget for libraries is £600,000 over five years unless cabinet moves money from elsewhere.',
      ],
      [
        'law',
        'The council must provide a “comprehensive and efficient” library service (Public Libraries and Museums Act 1964).',
      ],
      ['time', 'The hub’s fit-out is fixed in March 2027; a library there must be decided by then.'],
      ['capacity', 'There are eight library staff in Sale; two sites would need more volunteers.'],
    ],
    evidence: [
      [
        'Condition survey of Sale Library, 2026',
        'https://www.trafford.gov.uk/libraries/sale-library-condition-survey-2026.pdf',
      ],
      ['Library users survey results', 'https://www.trafford.gov.uk/libraries/library-users-survey-2026.pdf'],
    ],
    links: [
      ['consultation', 'Consultation: the future of Sale Library', `/${placeSlug}/consultations`],
      [
        'assembly',
        'Trafford climate assembly: recommendations on public buildings',
        `/${placeSlug}/assemblies/${DEMO_FINISHED_SLUG}`,
      ],
    ],
    comments: [
      {
        n: 901,
        by: 0,
        body: 'I take my grandchildren to the Saturday story time. If it moves, please keep the children’s area as big as it is now.',
        hoursAgo: 50,
      },
      {
        n: 902,
        by: 1,
        body: 'The hub is right by the tram stop, which would make it much easier for me to get to. Longer opening hours would be welcome.',
        hoursAgo: 20,
      },
    ],
    timeline: [
      ['draft', 40],
      ['upcoming', 35],
      ['open', 10],
    ],
  },
  {
    id: DEMO_MADE_ID,
    title: 'How should the £250,000 community fund be shared out in 2027/28?',
    background:
      'Each year the council sets aside a community fund for local groups. This year residents’ groups asked to help shape how it is shared, so the allocation was worked out together with community partners.',
    kind: 'budget-allocation',
    status: 'made',
    decider: 'cabinet',
    dueIn: -14,
    opened: true,
    options: [
      {
        id: id(201),
        title: 'Share by ward population, with extra for the most deprived wards',
        description:
          'Every ward gets a share by population; wards in the most deprived fifth get half as much again.',
        costPence: 25_000_000,
        pros: 'Fair to every ward; more where needs are greatest.',
        cons: 'Small grants in wealthier wards may not go far.',
      },
      {
        id: id(202),
        title: 'One borough-wide open round',
        description: 'Groups anywhere bid into one pot, scored by a residents’ panel.',
        costPence: 25_000_000,
        pros: 'Simple; the best ideas win wherever they are.',
        cons: 'Groups with more experience of bidding tend to win.',
      },
    ],
    constraints: [['money', 'The fund is fixed at £250,000 in the 2027/28 budget.']],
    evidence: [
      [
        'Index of deprivation by ward',
        'https://www.trafford.gov.uk/about-trafford/statistics/deprivation.pdf',
      ],
    ],
    links: [['other', 'Participatory budgeting in Trafford', `/${placeSlug}/budgets`]],
    partners: [
      { name: 'Partington Community Hub', group: 'partington-community-hub' },
      { name: 'Trafford Youth Forum' },
    ],
    chosen: id(201),
    decisionText:
      'The fund is shared by ward population, with half as much again for the most deprived wards, and £20,000 kept for young people’s projects chosen by the Youth Forum.',
    reasons:
      'Residents and partners told us that an open round favours groups who are used to bidding. Sharing by ward keeps money in every area, and the extra share follows need. The Youth Forum asked for a part young people decide themselves.',
    decidedDaysAgo: 14,
    responses: [
      [
        'An open round favours big, experienced groups.',
        'We share the fund by ward, so small groups in every ward have a fair chance.',
      ],
      [
        'Young people should decide on money for young people.',
        'We kept £20,000 for projects chosen by the Trafford Youth Forum.',
      ],
    ],
    timeline: [
      ['draft', 120],
      ['open', 90],
      ['made', 14],
    ],
  },
  {
    id: DEMO_REVIEWED_ID,
    title: 'Should street lights on quiet residential roads be dimmed after midnight?',
    background:
      'Energy prices doubled the cost of street lighting. LED lights can be dimmed by half between midnight and 5am on quiet roads without switching them off.',
    kind: 'ordinary',
    status: 'reviewed',
    decider: 'officer',
    deciderName: 'Director of Place',
    dueIn: -400,
    opened: true,
    options: [
      {
        id: id(301),
        title: 'Dim quiet roads to half brightness from midnight to 5am',
        description: 'Main roads and crossings stay at full brightness.',
        costPence: 3_500_000,
        pros: 'Saves about £180,000 a year and cuts carbon.',
        cons: 'Some people may feel less safe walking late at night.',
      },
      {
        id: id(302),
        title: 'Keep all lights at full brightness',
        description: '',
        costPence: null,
        pros: 'No change for anyone.',
        cons: 'The lighting budget would be overspent by about £180,000 a year.',
      },
    ],
    constraints: [['law', 'Lighting must meet the British Standard for residential roads (BS 5489).']],
    evidence: [],
    links: [],
    chosen: id(301),
    decisionText: '',
    reasons:
      'Most people who answered supported dimming if crossings, alleyways and roads near pubs stayed bright.',
    decidedDaysAgo: 400,
    responses: [
      [
        'Keep alleyways and crossings bright.',
        'We left 420 lights in alleyways and at crossings at full brightness.',
      ],
    ],
    review:
      'A year on, the dimming saved £171,000 and 310 tonnes of carbon. Reports of crime at night did not change. We brightened eleven more lights after residents asked.',
    reviewedDaysAgo: 30,
    timeline: [
      ['draft', 480],
      ['open', 460],
      ['made', 400],
      ['reviewed', 30],
    ],
  },
  {
    id: DEMO_UPCOMING_ID,
    title: 'Strategic review of youth services',
    background:
      'The council will review how youth services are run across Trafford, from youth clubs to detached youth work. The review will be co-produced with young people and youth groups.',
    kind: 'strategic-review',
    status: 'upcoming',
    decider: 'committee',
    deciderName: 'Children and Young People Scrutiny Committee',
    dueIn: 150,
    options: [],
    constraints: [
      ['capacity', 'The youth service has 14 full-time posts and relies on volunteers for evening sessions.'],
    ],
    evidence: [],
    links: [],
    partners: [{ name: 'Trafford Youth Forum' }],
    timeline: [
      ['draft', 12],
      ['upcoming', 5],
    ],
  },
  {
    id: DEMO_DRAFT_ID,
    title: 'Parking charges in Altrincham town centre',
    background: 'A draft, seen only by officers until it is announced.',
    kind: 'ordinary',
    status: 'draft',
    decider: 'full-council',
    dueIn: 200,
    options: [],
    constraints: [],
    evidence: [],
    links: [],
    timeline: [['draft', 2]],
  },
];

async function insertDecision(
  tx: Tx,
  ctx: SeedContext,
  d: DemoDecision,
  wardCode: string | null,
  groupIds: Map<string, string>,
) {
  const rows = await tx.query<{ id: string }>(
    `insert into decisions (id, place_id, title, background, kind, status, decider_kind, decider_name, due_on,
       input_closes_on, ward_code, co_produced, decision_text, reasons, decided_on, review, reviewed_on, opened_at,
       created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, current_date + $9::int, current_date + $10::int, $11, $12, $13, $14,
       current_date - $15::int, $16, current_date - $17::int, case when $18 then now() - interval '10 days' end,
       now() - make_interval(days => $19), now())
     on conflict (id) do nothing returning id`,
    [
      d.id,
      ctx.place.id,
      d.title,
      d.background,
      d.kind,
      d.status,
      d.decider,
      d.deciderName ?? '',
      d.dueIn,
      d.closesIn ?? null,
      wardCode,
      Boolean(d.partners?.length),
      d.decisionText ?? '',
      d.reasons ?? '',
      d.decidedDaysAgo ?? null,
      d.review ?? '',
      d.reviewedDaysAgo ?? null,
      Boolean(d.opened),
      d.timeline[0]?.[1] ?? 0,
    ],
  );
  if (!rows.length) return false;
  for (const [i, o] of d.options.entries())
    await tx.query(
      `insert into decision_options (id, decision_id, position, title, description, cost_pence, pros, cons)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [o.id, d.id, i + 1, o.title, o.description, o.costPence, o.pros, o.cons],
    );
  if (d.chosen) await tx.query('update decisions set chosen_option_id = $2 where id = $1', [d.id, d.chosen]);
  for (const [kind, body] of d.constraints)
    await tx.query('insert into decision_constraints (decision_id, kind, body) values ($1, $2, $3)', [
      d.id,
      kind,
      body,
    ]);
  for (const [i, [title, url]] of d.evidence.entries())
    await tx.query('insert into decision_evidence (id, decision_id, title, url) values ($1, $2, $3, $4)', [
      d.id === DEMO_DECISION_ID && i === 0 ? DEMO_EVIDENCE_ID : randomUUID(),
      d.id,
      title,
      url,
    ]);
  for (const [kind, title, url] of d.links)
    await tx.query('insert into decision_links (decision_id, kind, title, url) values ($1, $2, $3, $4)', [
      d.id,
      kind,
      title,
      url,
    ]);
  for (const p of d.partners ?? [])
    await tx.query('insert into decision_partners (decision_id, name, group_id) values ($1, $2, $3)', [
      d.id,
      p.name,
      p.group ? (groupIds.get(p.group) ?? null) : null,
    ]);
  for (const [youSaid, weDid] of d.responses ?? [])
    await tx.query('insert into decision_responses (decision_id, you_said, we_did) values ($1, $2, $3)', [
      d.id,
      youSaid,
      weDid,
    ]);
  let from: Status | null = null;
  for (const [to, daysAgo] of d.timeline) {
    await tx.query(
      `insert into decision_status_changes (decision_id, from_status, to_status, created_at)
       values ($1, $2, $3, now() - make_interval(days => $4))`,
      [d.id, from, to, daysAgo],
    );
    from = to;
  }
  for (const c of d.comments ?? []) {
    const author = COMMENTERS[c.by];
    if (!author) continue;
    await tx.query(
      `insert into decision_comments (id, decision_id, author_id, body, moderation_status, created_at)
       values ($1, $2, $3, $4, 'published', now() - make_interval(hours => $5))`,
      [id(c.n), d.id, author.id, c.body, c.hoursAgo],
    );
    await tx.query(
      `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
       values ($1, 'decisions', 'decision-comment', $2, $3, $4, $5, 'published')`,
      [
        ctx.place.id,
        id(c.n),
        author.id,
        c.body.slice(0, 300),
        `/${ctx.place.slug}/decisions/${d.id}#comment-${id(c.n)}`,
      ],
    );
  }
  return true;
}

/** The demo place's decision log: one of each status, run again without change (fixed ids). */
export async function seedDecisions(ctx: SeedContext): Promise<void> {
  const { db, place, log } = ctx;
  if (place.slug !== 'trafford') return;
  const service = { db, place, actor: null };
  const wards = await listWards(service);
  const groupIds = new Map<string, string>();
  for (const slug of ['partington-community-hub']) {
    try {
      groupIds.set(slug, (await getGroup(service, slug)).id);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
  }
  await withTransaction(db, async (tx) => {
    for (const u of COMMENTERS)
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [u.id, u.email, u.name],
      );
    let added = 0;
    for (const d of DECISIONS(place.slug)) {
      const wardCode = d.ward ? (wards.find((w) => w.name === d.ward)?.code ?? null) : null;
      if (await insertDecision(tx, ctx, d, wardCode, groupIds)) added++;
    }
    log(`Decisions: ${added} demo decisions`);
  });
}

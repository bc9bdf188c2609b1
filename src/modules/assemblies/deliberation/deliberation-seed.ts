import { londonParts } from '../../../lib/london-clock.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_FINISHED_SLUG } from '../seed/demo-assemblies.js';
import type { ResponseOutcome, SupportChoice, UpdateStatus } from './deliberation-input.js';

/**
 * Demo evidence and recommendations for Trafford's finished climate assembly (made by the
 * set-up seed, with its five sessions and, from the selection seed, its members). Modelled on
 * what UK climate assemblies have recommended (Blackpool, Camden, Leeds, Kirklees, Brent) and
 * the kind of answer councils gave: honest about money, the law and powers a council does not
 * have. Speakers and organisations are made up. Documents are left out: the seed has no file
 * store. Idempotent: a session that has speakers, or an assembly that has recommendations, is
 * left alone.
 */

type DemoSpeaker = { name: string; role: string; topic: string };

/** Speakers by session position (the fifth session is the members' own deliberation). */
const SPEAKERS: Record<number, DemoSpeaker[]> = {
  1: [
    {
      name: 'Dr Helen Okafor',
      role: 'Climate scientist, University of Manchester',
      topic: 'Climate change: the science, and what it means for Trafford',
    },
    {
      name: 'Mark Lindqvist',
      role: 'Sustainability lead, Trafford Council',
      topic: "Where Trafford's emissions come from, and what the council controls",
    },
  ],
  2: [
    {
      name: 'Priya Raman',
      role: 'Network manager, Irwell Valley Buses',
      topic: 'What it takes to run more frequent and reliable buses',
    },
    {
      name: 'Tom Byrne',
      role: 'Active travel officer, Trafford Council',
      topic: 'Walking and cycling routes: what works and what it costs',
    },
  ],
  3: [
    {
      name: 'Grace Adeyemi',
      role: 'Retrofit coordinator, Mersey Community Energy',
      topic: 'Making homes warmer and cheaper to heat',
    },
    {
      name: 'Simon Hale',
      role: 'Planning policy manager, Trafford Council',
      topic: 'What planning rules can and cannot require of new homes',
    },
  ],
  4: [
    {
      name: 'Aisha Khan',
      role: 'Community growing project, Old Trafford',
      topic: 'Growing food together and what local food needs',
    },
    {
      name: 'Dr Robert Ellis',
      role: 'Urban ecologist, Manchester Metropolitan University',
      topic: 'Trees, parks and nature in a changing climate',
    },
  ],
};

type DemoUpdate = { status: UpdateStatus; days: number; body: string };
type DemoRecommendation = {
  title: string;
  body: string;
  /** Share of members who supported it, and of the rest, the share who abstained. */
  support: number;
  abstain: number;
  outcome: ResponseOutcome;
  reasons: string;
  updates: DemoUpdate[];
};

const RECOMMENDATIONS: DemoRecommendation[] = [
  {
    title: 'Make buses cheaper, more frequent and more reliable',
    body: 'Buses should run at least every 12 minutes on main routes and every 30 minutes in the evenings and at weekends, with fares capped so a day of travel costs no more than £5.\n\nThe council should press for this with the Mayor and Transport for Greater Manchester, and improve bus stops and shelters itself.',
    support: 0.95,
    abstain: 0.5,
    outcome: 'partly-accepted',
    reasons:
      'The council does not run buses: routes, timetables and fares are set by the Mayor and Transport for Greater Manchester under bus franchising. We will put the assembly’s timetable and fares proposal to them formally, and report their answer here.\n\nWhat we control, we will do: we will improve 40 bus stops a year with shelters, seating and real-time information, paid from the local transport budget.',
    updates: [
      {
        status: 'on-track',
        days: 60,
        body: 'The assembly’s proposal was presented to the Greater Manchester transport committee. The first 12 bus stops have new shelters.',
      },
    ],
  },
  {
    title: 'Safe walking and cycling routes to every school',
    body: 'Every school should have a safe walking and cycling route, with 20 mph streets, crossings and school streets closed to traffic at drop-off and pick-up times.',
    support: 0.9,
    abstain: 0.6,
    outcome: 'accepted',
    reasons:
      'We accept this. We will bring in school streets at 10 more schools each year, starting with those on the busiest roads, funded by the Active Travel Fund. Each scheme is consulted on with parents and neighbours first.',
    updates: [
      {
        status: 'on-track',
        days: 45,
        body: 'Consultation has finished at the first four schools; three school streets start after the Easter holidays.',
      },
      {
        status: 'on-track',
        days: 150,
        body: 'Seven school streets are running. Counts show a quarter more children walking or cycling to those schools.',
      },
    ],
  },
  {
    title: 'Help people make their homes warmer, starting with those in fuel poverty',
    body: 'Set up a one-stop service that tells homeowners and private tenants what their home needs, finds trusted installers and helps with the cost, starting with households in fuel poverty.',
    support: 0.97,
    abstain: 0.5,
    outcome: 'accepted',
    reasons:
      'We accept this. A home energy advice service opens next spring, and government grant funding will pay for insulation and heat pumps in around 400 homes with low incomes over two years. We cannot pay for every home, so we will also help people find loans and trusted installers.',
    updates: [
      {
        status: 'on-track',
        days: 40,
        body: 'The advice service has been commissioned from a local community energy group.',
      },
      {
        status: 'delayed',
        days: 120,
        body: 'The national grant scheme opened three months late, so the first installations move to the summer.',
      },
    ],
  },
  {
    title: 'All new homes to be zero carbon',
    body: 'From 2027 every new home built in Trafford should be zero carbon: well insulated, heated without gas, and with solar panels where possible.',
    support: 0.86,
    abstain: 0.4,
    outcome: 'partly-accepted',
    reasons:
      'We agree with the aim, but the law limits what a council can require: energy standards for new homes are set nationally in the Building Regulations, and a local plan policy that goes further must be tested at a public examination. We will propose a net zero policy in the Local Plan review and publish the evidence for it. Until then we will require it on land the council owns.',
    updates: [],
  },
  {
    title: 'Cut the council’s own emissions: buildings, fleet and energy',
    body: 'The council should lead by example: insulate and re-heat its own buildings and schools, switch its vehicles to electric, and buy renewable electricity.',
    support: 0.93,
    abstain: 0.5,
    outcome: 'accepted',
    reasons:
      'We accept this. The council has bought 100% renewable electricity since April, and has a plan, with funding, to replace gas heating in its ten largest buildings by 2030. Fleet vehicles are replaced with electric ones as they reach the end of their life.',
    updates: [
      {
        status: 'done',
        days: 90,
        body: 'The renewable electricity contract is in place for all council buildings and street lights.',
      },
    ],
  },
  {
    title: 'Plant trees and protect green spaces',
    body: 'Plant a tree for every resident by 2035, protect existing green spaces from building, and make sure every home is within a five-minute walk of a green space.',
    support: 0.88,
    abstain: 0.5,
    outcome: 'partly-accepted',
    reasons:
      'We will plant 30,000 trees by 2030 with community forest partners, and the Local Plan will protect parks and green spaces. A tree for every resident (about 235,000) is more than we can plant and look after with the money we have: young trees need watering and care for three years. We will review the target in 2030.',
    updates: [],
  },
  {
    title: 'Support local food and community growing',
    body: 'Make more land available for allotments and community growing, support local food markets, and serve more local, seasonal food in schools and council canteens.',
    support: 0.84,
    abstain: 0.6,
    outcome: 'accepted',
    reasons:
      'We accept this. We will offer ten unused council sites for community growing, cut the allotment waiting list by opening two new sites, and change the school meals contract at its renewal to buy more local, seasonal food.',
    updates: [],
  },
  {
    title: 'Tell everyone what the council is doing, and report every year',
    body: 'Publish a clear, plain-English report every year on what has been done about each recommendation, and involve residents in checking progress.',
    support: 0.98,
    abstain: 0.5,
    outcome: 'accepted',
    reasons:
      'We accept this. This page is kept up to date, and a yearly climate report goes to full council each July. Members of the assembly are invited to a review session each year.',
    updates: [
      {
        status: 'done',
        days: 30,
        body: 'This page now shows every recommendation, the council’s response and progress. The first annual report is scheduled for July.',
      },
    ],
  },
  {
    title: 'Introduce a workplace parking levy to pay for public transport',
    body: 'Large employers should pay a charge for each parking space they provide, with the money spent on buses, trams and cycling, as Nottingham has done.',
    support: 0.62,
    abstain: 0.3,
    outcome: 'not-accepted',
    reasons:
      'We are not taking this forward now. A workplace parking levy needs the Secretary of State’s approval after a full business case and public consultation, and would have to be agreed across Greater Manchester to avoid moving parking to neighbouring boroughs. With bus franchising just starting, the council judges it is not the right time. We will look at it again when franchising is reviewed.',
    updates: [],
  },
];

const DAY = 24 * 60 * 60 * 1000;

/** The earlier of two dates, so nothing in the demo is dated after today. */
const notAfter = (d: Date, now: Date) => (d > now ? now : d);

/** Who supported what: the first members by reference support, then some abstain, the rest do not. */
function answers(memberCount: number, r: DemoRecommendation): SupportChoice[] {
  const support = Math.round(memberCount * r.support);
  const abstain = Math.round((memberCount - support) * r.abstain);
  return Array.from({ length: memberCount }, (_, i) =>
    i < support ? 'support' : i < support + abstain ? 'abstain' : 'oppose',
  );
}

async function seedSpeakers(tx: Tx, assemblyId: string) {
  const sessions = await tx.query<{ id: string; position: number; has: boolean }>(
    `select s.id, s.position, exists (select 1 from assembly_session_speakers x where x.session_id = s.id) as has
     from assembly_sessions s where s.assembly_id = $1 order by s.position`,
    [assemblyId],
  );
  for (const s of sessions) {
    if (s.has) continue;
    for (const [i, speaker] of (SPEAKERS[s.position] ?? []).entries())
      await tx.query(
        `insert into assembly_session_speakers (session_id, position, name, role, topic)
         values ($1, $2, $3, $4, $5)`,
        [s.id, i + 1, speaker.name, speaker.role, speaker.topic],
      );
  }
}

async function seedRecommendations(tx: Tx, assemblyId: string, now: Date) {
  const [existing] = await tx.query<{ n: number }>(
    'select count(*)::int as n from assembly_recommendations where assembly_id = $1',
    [assemblyId],
  );
  if (Number(existing?.n ?? 0) > 0) return false;
  const members = await tx.query<{ id: string }>(
    "select id from assembly_respondents where assembly_id = $1 and status = 'selected' order by reference",
    [assemblyId],
  );
  const [last] = await tx.query<{ ends_at: Date | null }>(
    'select max(ends_at) as ends_at from assembly_sessions where assembly_id = $1',
    [assemblyId],
  );
  // Published the day after the last session (or three months ago), answered eight weeks later.
  const published = notAfter(
    last?.ends_at ? new Date(new Date(last.ends_at).getTime() + DAY) : new Date(now.getTime() - 90 * DAY),
    now,
  );
  const responded = notAfter(new Date(published.getTime() + 56 * DAY), now);
  for (const [i, r] of RECOMMENDATIONS.entries()) {
    const choices = answers(members.length, r);
    const count = (c: SupportChoice) => choices.filter((x) => x === c).length;
    const [row] = await tx.query<{ id: string }>(
      `insert into assembly_recommendations (assembly_id, number, title, body, status, members_count,
         support_count, oppose_count, abstain_count, created_at, updated_at, published_at)
       values ($1, $2, $3, $4, 'published', $5, $6, $7, $8, $9, $9, $9) returning id`,
      [
        assemblyId,
        i + 1,
        r.title,
        r.body,
        members.length,
        count('support'),
        count('oppose'),
        count('abstain'),
        published,
      ],
    );
    const id = row?.id as string;
    if (members.length)
      await tx.query(
        `insert into assembly_recommendation_votes (recommendation_id, respondent_id, choice, voted_at)
         select $1, m, c, $4 from unnest($2::uuid[], $3::text[]) as v(m, c)`,
        [id, members.map((m) => m.id), choices, new Date(published.getTime() - DAY)],
      );
    await tx.query(
      `insert into assembly_recommendation_responses (recommendation_id, outcome, reasons, responded_at, updated_at)
       values ($1, $2, $3, $4, $4)`,
      [id, r.outcome, r.reasons, responded],
    );
    for (const u of r.updates) {
      const at = notAfter(new Date(responded.getTime() + u.days * DAY), now);
      await tx.query(
        `insert into assembly_recommendation_updates (recommendation_id, status, body, update_date, posted_at)
         values ($1, $2, $3, $4, $5)`,
        [id, u.status, u.body, londonParts(at).date, at],
      );
    }
  }
  return true;
}

export async function seedDeliberation(ctx: SeedContext, now = new Date()): Promise<void> {
  const { db, place, log } = ctx;
  if (place.slug !== 'trafford') return;
  const [assembly] = await db.query<{ id: string }>(
    'select id from assemblies where place_id = $1 and slug = $2',
    [place.id, DEMO_FINISHED_SLUG],
  );
  if (!assembly) return;
  const added = await withTransaction(db, async (tx) => {
    await seedSpeakers(tx, assembly.id);
    return seedRecommendations(tx, assembly.id, now);
  });
  if (added) log(`assemblies: ${RECOMMENDATIONS.length} recommendations and the council's responses`);
}

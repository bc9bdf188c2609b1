import type { ServiceContext } from '../../../platform/http/request-context.js';
import { translator } from '../../../platform/i18n/i18n.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_FINISHED_SLUG, DEMO_RECRUITING_SLUG } from '../seed/demo-assemblies.js';
import { type AssemblyFeature, assignOfficer, setFeatures } from './assembly-service.js';
import { censusSuggestions } from './census-shares.js';
import { addSession } from './session-service.js';

/** The demo place's citizens' assemblies officer (an account without a password), assigned to both. */
export const ASSEMBLY_OFFICER = {
  id: 'b0d9e7a0-0000-4000-8000-0000000000c1',
  email: 'assemblies-team@trafford-together.example',
  name: "Citizens' assemblies team",
};

/** The officers' own feature for the climate assembly: no population share, quotas set by hand. */
const CLIMATE_CONCERN: AssemblyFeature = {
  key: 'climate-concern',
  name: 'Concern about climate change',
  source: 'Asked when people register; quotas set by the officers so that sceptical residents have seats too',
  values: [
    { value: 'very', label: 'Very concerned', share: null, min: 12, max: 20 },
    { value: 'fairly', label: 'Fairly concerned', share: null, min: 10, max: 18 },
    { value: 'not-very', label: 'Not very or not at all concerned', share: null, min: 6, max: 12 },
  ],
};

const TOWN_HALL = 'Trafford Town Hall, Talbot Road, Stretford, M32 0TH';

type DemoSession = {
  title: string;
  date: string;
  from: string;
  to: string;
  location: string;
  summary: string;
};

const CLIMATE_SESSIONS: DemoSession[] = [
  {
    title: 'Welcome, and where our emissions come from',
    date: '2026-03-07',
    from: '10:00',
    to: '16:00',
    location: TOWN_HALL,
    summary: 'Meeting each other, how the assembly works, and the evidence on Trafford’s carbon emissions.',
  },
  {
    title: 'Homes and heating',
    date: '2026-03-21',
    from: '10:00',
    to: '16:00',
    location: TOWN_HALL,
    summary:
      'Insulation, heat pumps and who pays: speakers from housing associations, installers and fuel-poverty charities.',
  },
  {
    title: 'Getting around',
    date: '2026-04-18',
    from: '10:00',
    to: '16:00',
    location: 'Stretford Mall community room, Chester Road, Stretford, M32 9BD',
    summary:
      'Buses, Metrolink, walking, cycling and cars, and what would make the greener choice the easy one.',
  },
  {
    title: 'Weighing the options',
    date: '2026-05-09',
    from: '10:00',
    to: '16:00',
    location: TOWN_HALL,
    summary: 'Small groups weigh up the options, their costs and who they affect.',
  },
  {
    title: 'Agreeing our recommendations',
    date: '2026-05-23',
    from: '10:00',
    to: '16:30',
    location: TOWN_HALL,
    summary: 'Members draft, discuss and vote on the recommendations they give to the council.',
  },
];

const HIGH_STREET_SESSIONS: DemoSession[] = [
  {
    title: 'What makes a high street work',
    date: '2027-02-06',
    from: '10:00',
    to: '15:30',
    location: 'Altrincham Library, Stamford New Road, Altrincham, WA14 1EJ',
    summary:
      'Meeting each other, and what residents, traders and researchers say about Trafford’s town centres.',
  },
  {
    title: 'Empty shops, markets and events',
    date: '2027-02-27',
    from: '10:00',
    to: '15:30',
    location: 'Sale Waterside, Waterside Plaza, Sale, M33 7ZF',
    summary:
      'What has brought people back to Altrincham Market, and what could work in Sale, Stretford and Urmston.',
  },
  {
    title: 'Agreeing our recommendations',
    date: '2027-03-20',
    from: '10:00',
    to: '16:00',
    location: 'Urmston Library, Golden Way, Urmston, M41 0NA',
    summary: 'Members agree what they recommend the council does with its high-street funding.',
  },
];

/**
 * The demo place's two citizens' assemblies, which the other parts' seeds build on: a finished
 * climate assembly and a high-streets assembly now recruiting. Made once; later runs leave them.
 */
export async function seedSetup(seed: SeedContext): Promise<void> {
  const { db, place, log } = seed;
  if (place.slug !== 'trafford') return;
  await db.query(
    'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
    [ASSEMBLY_OFFICER.id, ASSEMBLY_OFFICER.email, ASSEMBLY_OFFICER.name],
  );
  await db.query(
    `insert into role_assignments (place_id, user_id, role) values ($1, $2, 'officer') on conflict do nothing`,
    [place.id, ASSEMBLY_OFFICER.id],
  );
  const ctx: ServiceContext = {
    db,
    place,
    actor: { userId: ASSEMBLY_OFFICER.id, roles: ['officer'], platformAdmin: false },
  };
  const wards = await db.query<{ code: string; slug: string; name: string }>(
    'select code, slug, name from wards where place_id = $1 order by name',
    [place.id],
  );
  const t = translator('en');

  const demos = [
    {
      slug: DEMO_FINISHED_SLUG,
      title: 'Trafford Climate Assembly',
      question: 'How should Trafford reduce its carbon emissions fairly, and quickly?',
      summary:
        'In spring 2026, 40 residents chosen by a fair lottery spent five Saturdays hearing evidence and agreeing what the council, businesses and residents should do to cut Trafford’s carbon emissions in a way that is fair to everyone. The council has answered each of their recommendations.',
      panelSize: 40,
      expensesPence: 1_200_000,
      status: 'finished',
      custom: [CLIMATE_CONCERN],
      sessions: CLIMATE_SESSIONS,
    },
    {
      slug: DEMO_RECRUITING_SLUG,
      title: 'Our high streets',
      question: 'What should Trafford do so that its high streets are places people want to spend time in?',
      summary:
        'The council is inviting 30 residents, chosen by a fair lottery, to recommend how it spends its high-street funding in Altrincham, Sale, Stretford and Urmston. Invitation letters have gone out to randomly chosen addresses.',
      panelSize: 30,
      expensesPence: 750_000,
      status: 'recruiting',
      custom: [],
      sessions: HIGH_STREET_SESSIONS,
    },
  ];

  for (const d of demos) {
    const rows = await db.query<{ id: string }>(
      `insert into assemblies (place_id, slug, title, question, summary, panel_size, expenses_budget_pence, algorithm, status)
       values ($1, $2, $3, $4, $5, $6, $7, 'leximin', $8) on conflict (place_id, slug) do nothing returning id`,
      [place.id, d.slug, d.title, d.question, d.summary, d.panelSize, d.expensesPence, d.status],
    );
    if (!rows.length) continue;
    const census = censusSuggestions(place.slug, wards, d.panelSize, t) ?? [];
    await setFeatures(ctx, d.slug, [...census, ...d.custom]);
    for (const s of d.sessions)
      await addSession(ctx, d.slug, {
        title: s.title,
        date: s.date,
        startTime: s.from,
        endTime: s.to,
        location: s.location,
        summary: s.summary,
      });
    await assignOfficer(ctx, d.slug, ASSEMBLY_OFFICER.id);
    log(`assemblies: ${d.title} (${d.status}), ${d.sessions.length} sessions`);
  }
}

import { londonAt, londonParts } from '../../../lib/london-clock.js';
import { slugify } from '../../../lib/text/slug.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_IDEA_ID } from '../../ideas/seed/demo-ideas.js';
import { getWard } from '../../wards/ward-service.js';

/** A published Altrincham story, for pages that need one (demoParams `story`). */
export const DEMO_STORY_ID = 'c0a1e5b0-0000-4000-8000-000000000101';
/** Altrincham's first meeting, for pages that need one (demoParams `meeting`). */
export const DEMO_MEETING_ID = 'c0a1e5b0-0000-4000-8001-000000000000';
/** The ward the wards module's demo pages use: it has a neighbourhood assembly too. */
export const DEMO_WARD_SLUG = 'altrincham';

const FACILITATOR = {
  id: 'c0a1e5b0-0000-4000-8000-0000000000f1',
  email: 'neighbourhoods@trafford-together.example',
  name: 'Neighbourhood assemblies team',
};
/** Residents who wrote the demo stories (accounts without passwords). */
const AUTHORS = [
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000a1',
    email: 'maureen.na@trafford-together.example',
    name: 'Maureen Kelly',
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000a2',
    email: 'dev.na@trafford-together.example',
    name: 'Dev Patel',
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000a3',
    email: 'sam.na@trafford-together.example',
    name: 'Sam Okafor',
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000a4',
    email: 'lucy.na@trafford-together.example',
    name: 'Lucy Brennan',
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000a5',
    email: 'tariq.na@trafford-together.example',
    name: 'Tariq Hussain',
  },
];

type DemoStory = {
  id: string;
  author: number;
  name: string | null;
  mattered: string;
  keep: string;
  themes: string[];
  daysAgo: number;
  pending?: true;
};
type DemoAssembly = {
  id: string;
  ward: string;
  invitation: string;
  note: string;
  meetings: { daysFromNow: number; time: number; venue: string; whatHappened: string }[];
  themes: string[];
  stories: DemoStory[];
  actions: { body: string; kind: string; status: string; link: string | null }[];
};

const sid = (n: number) => `c0a1e5b0-0000-4000-8000-${String(n).padStart(12, '0')}`;

const ASSEMBLIES: DemoAssembly[] = [
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000e1',
    ward: 'altrincham',
    invitation:
      'Everyone who lives or works in Altrincham is welcome. We sit round a few tables with tea, share what has mattered to us over the last few years and talk about what we want to keep. No need to book, and you do not have to speak.',
    note: 'We meet in the upstairs room at the library. There is a lift; ask at the front desk.',
    meetings: [
      {
        daysFromNow: -56,
        time: 18 * 60 + 30,
        venue: 'Altrincham Library, upstairs room',
        whatHappened:
          'Twenty-two people came. We shared stories in small groups and heard a lot about the market hall and the library itself. We agreed to ask the library about keeping the Saturday homework club going.',
      },
      {
        daysFromNow: -21,
        time: 18 * 60 + 30,
        venue: 'Altrincham Library, upstairs room',
        whatHappened:
          'We read out a selection of stories from the story book and named three themes. Two people offered to start a litter pick on the first Sunday of each month.',
      },
      { daysFromNow: 16, time: 18 * 60 + 30, venue: 'Altrincham Library, upstairs room', whatHappened: '' },
    ],
    themes: ['The library', 'Looking out for each other', 'Parks and green space'],
    stories: [
      {
        id: DEMO_STORY_ID,
        author: 0,
        name: 'Maureen',
        mattered:
          'When the library reopened, the Saturday homework club was the first thing my grandson asked about. The volunteers there know every child by name. It is the only place he will sit still for an hour.',
        keep: 'The homework club, and the library staying open on Saturdays.',
        themes: ['The library'],
        daysAgo: 50,
      },
      {
        id: sid(102),
        author: 1,
        name: null,
        mattered:
          'During the worst of it, a neighbour I had never spoken to left a note through every door on our road with her phone number. Six of us still have a WhatsApp group. We take turns putting the bins out for the two older gentlemen at the end.',
        keep: 'Knowing who lives on our road.',
        themes: ['Looking out for each other'],
        daysAgo: 44,
      },
      {
        id: sid(103),
        author: 2,
        name: 'Sam O.',
        mattered:
          'Stamford Park in the early morning. I started walking there when I was working from home and now I know the dog walkers, the man who does tai chi by the lake, and the café staff.',
        keep: 'The park café opening early, and the paths kept clear in winter.',
        themes: ['Parks and green space'],
        daysAgo: 38,
      },
      {
        id: sid(104),
        author: 3,
        name: 'Lucy',
        mattered:
          'The market hall on a Friday night. It felt like the town had a middle again, somewhere everyone goes and you bump into people.',
        keep: 'Somewhere to meet that does not cost much, for people with children.',
        themes: ['Looking out for each other'],
        daysAgo: 30,
      },
      {
        id: sid(105),
        author: 4,
        name: null,
        mattered:
          'The library let our knitting group use the room for free. Half of us were on our own at home. We have made blankets for the hospice ever since.',
        keep: 'Free rooms for small groups.',
        themes: ['The library', 'Looking out for each other'],
        daysAgo: 12,
      },
      {
        id: sid(106),
        author: 1,
        name: 'Dev',
        mattered:
          'The pop-up food table outside the church hall. Nobody asked questions, you just took what you needed and left what you could.',
        keep: '',
        themes: [],
        daysAgo: 2,
        pending: true,
      },
    ],
    actions: [
      {
        body: 'Ask the library to keep the Saturday homework club and look for two more volunteers.',
        kind: 'challenge',
        status: 'under-way',
        link: null,
      },
      {
        body: 'A monthly litter pick in Stamford Park, first Sunday of the month at 10am.',
        kind: 'group-activity',
        status: 'agreed',
        link: null,
      },
      {
        body: 'Back the idea for benches and planters along Stamford New Road, and put it forward for the ward budget.',
        kind: 'idea',
        status: 'under-way',
        // The demo idea (src/modules/ideas/seed/demo-ideas.ts), under this place's address.
        link: `/{place}/ideas/${DEMO_IDEA_ID}`,
      },
    ],
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000e2',
    ward: 'stretford-humphrey-park',
    invitation:
      'A friendly evening for anyone in Stretford and Humphrey Park. Bring a story, bring a neighbour. Children are welcome and there is juice and biscuits.',
    note: '',
    meetings: [
      {
        daysFromNow: -35,
        time: 18 * 60,
        venue: 'Stretford Public Hall, community room',
        whatHappened:
          'About thirty people. Many stories about the 255 bus, the canal path and Longford Park. We agreed to write to the bus operator with the stories about the evening timetable.',
      },
      { daysFromNow: 9, time: 18 * 60, venue: 'Stretford Public Hall, community room', whatHappened: '' },
    ],
    themes: ['Getting about', 'Parks and green space', 'Young people'],
    stories: [
      {
        id: sid(201),
        author: 2,
        name: null,
        mattered:
          'The 255 bus is how I get to my shifts at the hospital. The drivers waited for me more than once when I was running. When they cut the late buses I had to leave a job.',
        keep: 'Buses after 10pm, at least on weekdays.',
        themes: ['Getting about'],
        daysAgo: 33,
      },
      {
        id: sid(202),
        author: 3,
        name: 'Aunty Pat',
        mattered:
          'Longford Park saved my sanity. The community garden people gave me a plot to share when I had nothing to do and nobody to talk to.',
        keep: 'The community garden, and the park rangers.',
        themes: ['Parks and green space'],
        daysAgo: 31,
      },
      {
        id: sid(203),
        author: 4,
        name: 'Tariq',
        mattered:
          'The lads from the youth club cleared the canal path one weekend without being asked. People stopped to thank them. I have never seen them so proud.',
        keep: 'The youth club on Tuesday and Thursday nights.',
        themes: ['Young people', 'Parks and green space'],
        daysAgo: 27,
      },
      {
        id: sid(204),
        author: 0,
        name: null,
        mattered:
          'Cycling on the A56 when it was quiet. I felt safe on a bike for the first time. My daughter learned to ride on the pavement outside our house.',
        keep: 'Safer ways to cycle to the Metrolink.',
        themes: ['Getting about'],
        daysAgo: 20,
      },
    ],
    actions: [
      {
        body: 'Write to the bus operator with residents’ stories about the late 255 services.',
        kind: 'other',
        status: 'done',
        link: null,
      },
      {
        body: 'A challenge for local groups: help the youth club keep its Tuesday and Thursday nights going.',
        kind: 'challenge',
        status: 'agreed',
        link: null,
      },
    ],
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000e3',
    ward: 'old-trafford',
    invitation:
      'Old Trafford’s neighbourhood assembly meets at the community café. Everyone is welcome, in any language: some of our volunteers speak Urdu, Somali and Polish.',
    note: 'The café is step-free. Food is free at every meeting.',
    meetings: [
      {
        daysFromNow: -28,
        time: 12 * 60 + 30,
        venue: 'The Hub community café, Shrewsbury Street',
        whatHappened:
          'A lunchtime meeting with about forty people. Many people spoke about the café itself and the food deliveries. We agreed to start a weekly lunch club.',
      },
      {
        daysFromNow: 23,
        time: 12 * 60 + 30,
        venue: 'The Hub community café, Shrewsbury Street',
        whatHappened: '',
      },
    ],
    themes: ['The community café', 'Food and sharing'],
    stories: [
      {
        id: sid(301),
        author: 1,
        name: 'Amal',
        mattered:
          'The community café cooked for hundreds of families and the young people delivered on their bikes. My mother still talks about the boy who brought her soup and stayed to chat.',
        keep: 'The café kitchen being open to volunteers.',
        themes: ['The community café', 'Food and sharing'],
        daysAgo: 26,
      },
      {
        id: sid(302),
        author: 3,
        name: null,
        mattered:
          'I do not speak much English and the café helped me fill in forms and find a GP. Now I help other women from my street do the same.',
        keep: 'Help in our own languages.',
        themes: ['The community café'],
        daysAgo: 24,
      },
      {
        id: sid(303),
        author: 4,
        name: 'Mr H',
        mattered:
          'Sharing vegetables from the allotments with the flats on our block. Nobody had to ask; it was just on the table in the lobby.',
        keep: 'A sharing table in every block.',
        themes: ['Food and sharing'],
        daysAgo: 15,
      },
      {
        id: sid(304),
        author: 2,
        name: null,
        mattered: 'The Friday football on the rec. All ages, all backgrounds, nobody keeping score for long.',
        keep: '',
        themes: [],
        daysAgo: 1,
        pending: true,
      },
    ],
    actions: [
      {
        body: 'A weekly lunch club at the café, cooked by volunteers, open to everyone.',
        kind: 'group-activity',
        status: 'under-way',
        link: null,
      },
      {
        body: 'Sharing tables in the lobbies of the tower blocks, looked after by residents.',
        kind: 'idea',
        status: 'agreed',
        link: null,
      },
    ],
  },
  {
    id: 'c0a1e5b0-0000-4000-8000-0000000000e4',
    ward: 'sale-central',
    invitation:
      'Sale Central’s neighbourhood assembly: an hour on a Saturday morning to share stories about the town centre, the waterside and each other.',
    note: '',
    meetings: [
      {
        daysFromNow: -14,
        time: 10 * 60 + 30,
        venue: 'Sale Waterside, meeting room 2',
        whatHappened:
          'A small first meeting of twelve people. Stories about the Bridgewater Canal towpath, the library in Sale Waterside and the Saturday market.',
      },
      { daysFromNow: 30, time: 10 * 60 + 30, venue: 'Sale Waterside, meeting room 2', whatHappened: '' },
    ],
    themes: ['The canal', 'The town centre'],
    stories: [
      {
        id: sid(401),
        author: 0,
        name: 'Jean',
        mattered:
          'Walking the canal towpath every day with my sister. We counted herons. We had not spent that much time together since we were girls.',
        keep: 'The towpath lit and kept tidy so older people feel safe on it.',
        themes: ['The canal'],
        daysAgo: 13,
      },
      {
        id: sid(402),
        author: 2,
        name: null,
        mattered:
          'The library in Sale Waterside doing click and collect. The staff chose books for my dad when he could not get out, and they were always right.',
        keep: 'The home library service.',
        themes: ['The town centre'],
        daysAgo: 11,
      },
      {
        id: sid(403),
        author: 4,
        name: 'Ravi',
        mattered:
          'The Saturday market coming back. Seeing faces again after months, and the stallholders knowing what you usually buy.',
        keep: 'Stalls for local people that do not cost too much to run.',
        themes: ['The town centre'],
        daysAgo: 9,
      },
    ],
    actions: [
      {
        body: 'Ask the canal trust and the council about lighting on the towpath near the town centre.',
        kind: 'other',
        status: 'agreed',
        link: null,
      },
    ],
  },
];

/** Demo neighbourhood assemblies in four Trafford wards, with meetings, stories, themes and actions. */
export async function seedNeighbourhood({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const ctx = { db, place, actor: null };
  const now = Date.now();
  let added = 0;
  const wards = new Map<string, Awaited<ReturnType<typeof getWard>>>();
  for (const a of ASSEMBLIES) {
    try {
      wards.set(a.ward, await getWard(ctx, a.ward));
    } catch {
      // a place seeded without its wards
    }
  }
  await withTransaction(db, async (tx) => {
    for (const person of [FACILITATOR, ...AUTHORS])
      await tx.query(
        'insert into users (id, email, display_name, email_verified_at) values ($1, $2, $3, now()) on conflict do nothing',
        [person.id, person.email, person.name],
      );
    for (const a of ASSEMBLIES) {
      const ward = wards.get(a.ward);
      if (!ward) continue;
      const created = await tx.query<{ id: string }>(
        `insert into neighbourhood_assemblies (id, place_id, ward_code, invitation, facilitator_note, opened_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing returning id`,
        [a.id, place.id, ward.code, a.invitation, a.note, FACILITATOR.id, new Date(now - 70 * 86_400_000)],
      );
      if (!created.length) continue;
      added++;
      for (const [i, m] of a.meetings.entries()) {
        const day = londonParts(new Date(now + m.daysFromNow * 86_400_000)).date;
        await tx.query(
          `insert into neighbourhood_meetings (id, assembly_id, starts_at, venue, what_happened)
           values ($1, $2, $3, $4, $5)`,
          [
            `c0a1e5b0-0000-4000-8001-${String(ASSEMBLIES.indexOf(a) * 10 + i).padStart(12, '0')}`,
            a.id,
            londonAt(day, m.time),
            m.venue,
            m.whatHappened,
          ],
        );
      }
      const themeIds = new Map<string, string>();
      for (const name of a.themes) {
        const rows = await tx.query<{ id: string }>(
          'insert into neighbourhood_themes (assembly_id, slug, name) values ($1, $2, $3) returning id',
          [a.id, slugify(name), name],
        );
        themeIds.set(name, rows[0]?.id as string);
      }
      for (const s of a.stories) {
        const at = new Date(now - s.daysAgo * 86_400_000);
        await tx.query(
          `insert into neighbourhood_stories (id, assembly_id, author_id, mattered, keep, display_name, status,
             moderated_by, moderated_at, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            s.id,
            a.id,
            AUTHORS[s.author]?.id ?? null,
            s.mattered,
            s.keep,
            s.name,
            s.pending ? 'pending' : 'published',
            s.pending ? null : FACILITATOR.id,
            s.pending ? null : new Date(at.getTime() + 86_400_000),
            at,
          ],
        );
        for (const th of s.themes)
          await tx.query('insert into neighbourhood_story_themes (story_id, theme_id) values ($1, $2)', [
            s.id,
            themeIds.get(th) as string,
          ]);
      }
      for (const [i, action] of a.actions.entries()) {
        await tx.query(
          `insert into neighbourhood_actions (assembly_id, body, kind, status, link, created_by, created_at)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [
            a.id,
            action.body,
            action.kind,
            action.status,
            action.link?.replace('{place}', place.slug) ?? null,
            FACILITATOR.id,
            new Date(now - (20 - i) * 86_400_000),
          ],
        );
      }
    }
  });
  if (added) log(`neighbourhood assemblies: ${added} wards with stories, meetings and agreed actions`);
}

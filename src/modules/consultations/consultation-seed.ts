import { withTransaction } from '../../platform/db/transaction.js';
import type { SeedContext } from '../../platform/module-definition.js';
import { getWard } from '../wards/ward-service.js';
import { londonToday } from './consultation-rules.js';

const id = (n: number) => `c0c50000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const DEMO_CONSULTATION_ID = id(1);
export const DEMO_CLOSED_CONSULTATION_ID = id(2);
export const DEMO_QUESTION_ID = id(101);
export const DEMO_MAP_COMMENT_ID = id(50_000);

const AREAS = ['The play area', 'The pond', 'The car park', 'The main lawn', 'The café and toilets'];

/** A simple drawn site plan of the park (the demo's "site plan"), 640 by 440. */
export function waltonParkPlanSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 440" width="640" height="440" role="img" aria-label="Plan of Walton Park">
<rect width="640" height="440" fill="#f3f2f1"/>
<rect x="20" y="20" width="600" height="400" rx="16" fill="#cfe3c4" stroke="#505a5f" stroke-width="3"/>
<path d="M20 230 H620 M330 20 V420" stroke="#e2d5b8" stroke-width="14" fill="none"/>
<rect x="60" y="50" width="220" height="140" rx="8" fill="#f7d774" stroke="#505a5f"/>
<text x="170" y="125" text-anchor="middle" font-family="sans-serif" font-size="18" fill="#0b0c0c">Play area</text>
<ellipse cx="480" cy="120" rx="110" ry="65" fill="#9ccbe8" stroke="#505a5f"/>
<text x="480" y="126" text-anchor="middle" font-family="sans-serif" font-size="18" fill="#0b0c0c">Pond</text>
<rect x="60" y="270" width="220" height="120" fill="#b1b4b6" stroke="#505a5f"/>
<text x="170" y="336" text-anchor="middle" font-family="sans-serif" font-size="18" fill="#0b0c0c">Car park</text>
<text x="480" y="330" text-anchor="middle" font-family="sans-serif" font-size="18" fill="#0b0c0c">Main lawn</text>
<rect x="350" y="380" width="110" height="32" fill="#d4a373" stroke="#505a5f"/>
<text x="405" y="401" text-anchor="middle" font-family="sans-serif" font-size="13" fill="#0b0c0c">Café, toilets</text>
<text x="330" y="15" text-anchor="middle" font-family="sans-serif" font-size="12" fill="#0b0c0c">Walton Road gate</text>
</svg>`;
}

const QUESTIONS = [
  {
    n: 101,
    kind: 'radios',
    prompt: 'How often do you visit the play area?',
    hint: '',
    required: true,
    options: ['Every week', 'Every month', 'A few times a year', 'Never'],
    settings: {},
  },
  {
    n: 102,
    kind: 'checkboxes',
    prompt: 'What would you like to see in the new play area?',
    hint: 'Choose up to 3.',
    required: true,
    options: [
      'Swings',
      'Climbing frame',
      'Sandpit',
      'Water play',
      'Equipment for disabled children',
      'Seating for carers',
    ],
    settings: { minChoices: 1, maxChoices: 3 },
  },
  {
    n: 103,
    kind: 'scale',
    prompt: 'How safe does the play area feel today?',
    hint: '',
    required: true,
    options: [],
    settings: { min: 1, max: 5, lowLabel: 'Not safe at all', highLabel: 'Very safe' },
  },
  {
    n: 104,
    kind: 'ranking',
    prompt: 'Put these in order of importance to you',
    hint: '',
    required: true,
    options: ['Shade and trees', 'Toilets nearby', 'Fencing from the road', 'Lighting'],
    settings: {},
  },
  {
    n: 105,
    kind: 'text',
    prompt: 'Anything else we should know?',
    hint: 'Please do not include your name or contact details.',
    required: false,
    options: [],
    settings: { long: true, maxLength: 1000 },
  },
] as const;

const TEXTS = [
  'More benches please',
  'The gate onto Walton Road needs fixing',
  'Keep the big tree',
  'Call me on 07700 900123 about this',
  '',
];
const COMMENTS = [
  'Needs shade here',
  'Broken fence',
  'Would love a water fountain',
  'Too dark in winter',
  'Dog mess problem',
  'Great spot for a picnic bench',
];

/** A small fixed sequence of numbers, so the demo's answers are the same every time. */
function sequence(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}

export async function seedConsultations({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  let wardCode: string | null = null;
  try {
    wardCode = (await getWard({ db, place, actor: null }, 'sale-central')).code;
  } catch {
    wardCode = null;
  }
  const today = new Date();
  const shift = (days: number) => londonToday(new Date(today.getTime() + days * 86_400_000));
  const plan = Buffer.from(waltonParkPlanSvg());
  await withTransaction(db, async (tx) => {
    const consultations = [
      {
        cid: DEMO_CONSULTATION_ID,
        title: 'Redesigning Walton Park’s play area',
        summary:
          'The play area in Walton Park is 25 years old and some equipment has been removed. We have £180,000 to replace it. Tell us what you would like, and show us on the plan where things work well or need fixing. What you say will shape the design we take to the Executive in the spring.',
        status: 'open',
        opens: shift(-14),
        closes: shift(30),
        responses: 40,
      },
      {
        cid: DEMO_CLOSED_CONSULTATION_ID,
        title: 'Walton Park’s play area: first round',
        summary:
          'Our first round of questions about the play area, earlier this year. Thank you to everyone who answered: the results are below, and they shaped the options in the second round.',
        status: 'published',
        opens: shift(-120),
        closes: shift(-60),
        responses: 12,
      },
    ];
    for (const [ci, c] of consultations.entries()) {
      await tx.query(
        `insert into consultations (id, place_id, title, summary, run_by, opens_on, closes_on, ward_code, status,
           map_kind, map_type, map_image, map_width, map_height, map_alt, map_prompt, map_areas)
         values ($1, $2, $3, $4, 'Trafford Council parks team', $5, $6, $7, $8, 'drawn', 'image/svg+xml', $9, 640, 440,
           'Plan of Walton Park: the play area top left, the pond top right, the car park bottom left, the main lawn bottom right, the café by the south path',
           'Show us where you would like changes, or where something needs fixing.', $10)
         on conflict (id) do update set opens_on = excluded.opens_on, closes_on = excluded.closes_on`,
        [
          c.cid,
          place.id,
          c.title,
          c.summary,
          c.opens,
          c.closes,
          wardCode,
          c.status,
          plan as unknown as string,
          AREAS,
        ],
      );
      for (const [qi, q] of QUESTIONS.entries())
        await tx.query(
          `insert into consultation_questions (id, consultation_id, position, kind, prompt, hint, required, options, settings)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (id) do nothing`,
          [
            id(q.n + ci * 100),
            c.cid,
            qi,
            q.kind,
            q.prompt,
            q.hint,
            q.required,
            [...q.options],
            q.settings as Record<string, unknown>,
          ],
        );
      const next = sequence(7 + ci);
      for (let r = 0; r < c.responses; r++) {
        const rid = id(10_000 + ci * 1000 + r);
        const q = (n: number) => id(n + ci * 100);
        const ticks = QUESTIONS[1].options.filter((_, i) => (r + i) % 3 === 0).slice(0, 3);
        const order: string[] = [...QUESTIONS[3].options];
        for (let i = order.length - 1; i > 0; i--) {
          const j = next(i + 1);
          [order[i], order[j]] = [order[j] as string, order[i] as string];
        }
        const text = TEXTS[r % TEXTS.length] as string;
        const answers: Record<string, unknown> = {
          [q(101)]: QUESTIONS[0].options[next(4)],
          [q(102)]: ticks.length ? ticks : [QUESTIONS[1].options[0]],
          [q(103)]: 1 + next(5),
          [q(104)]: order,
          ...(text ? { [q(105)]: text } : {}),
        };
        const inserted = await tx.query<{ id: string }>(
          `insert into consultation_responses (id, anon_id, consultation_id, user_id, answers, submitted_on)
           values ($1, gen_random_uuid(), $2, null, $3, $4) on conflict (id) do nothing returning id`,
          [rid, c.cid, answers, shift(-13 + (r % 12) - (ci ? 100 : 0))],
        );
        if (inserted.length === 0) continue;
        const x = 0.08 + next(85) / 100;
        const y = 0.08 + next(85) / 100;
        await tx.query(
          `insert into consultation_map_comments (response_id, x, y, area, comment) values ($1, $2, $3, $4, $5)`,
          [
            rid,
            x.toFixed(4),
            y.toFixed(4),
            r % 3 === 0 ? null : (AREAS[next(AREAS.length)] as string),
            COMMENTS[r % COMMENTS.length] as string,
          ],
        );
        if (r % 7 === 0)
          await tx.query(
            `insert into consultation_map_comments (id, response_id, area, place_words, comment) values ($1, $2, $3, $4, $5)`,
            [
              id(60_000 + ci * 1000 + r),
              rid,
              'The play area',
              'by the swings',
              'The surface is worn through',
            ],
          );
      }
    }
  });
  log('consultations: an open consultation on Walton Park’s play area and one with published results');
}

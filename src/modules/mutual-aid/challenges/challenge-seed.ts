import { withTransaction } from '../../../platform/db/transaction.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { listWards } from '../../wards/ward-service.js';

/** The demo challenge (its page is `/trafford/help/challenges/<this id>`). */
export const DEMO_CHALLENGE_ID = '7c1e2b9a-3d4f-4a5b-8c6d-0e1f2a3b4c01';

// ILLUSTRATIVE figures only: plausible for a Trafford ward, not real statistics. The sources are
// real publications of the kind a council would cite; the numbers attributed to them are made up.
const FIGURES = [
  {
    label: 'Residents aged 65 and over in Longford',
    value: 2140,
    partOf: null,
    source: 'Census 2021 (ONS)',
    url: 'https://www.ons.gov.uk/census',
    asOf: '2021-03-21',
  },
  {
    label: 'Of them, living alone',
    value: 820,
    partOf: 1,
    source: 'Census 2021 (ONS)',
    url: 'https://www.ons.gov.uk/census',
    asOf: '2021-03-21',
  },
  {
    // Below 10, so the page shows "fewer than 10": the demo of small-number suppression.
    label: 'Admitted to hospital last year after a fall at home while living alone',
    value: 7,
    partOf: null,
    source: 'Trafford JSNA 2025',
    url: 'https://www.traffordjsna.org.uk/',
    asOf: '2025-03-31',
  },
];

const STEPS = [
  {
    step: 'More older people in Longford meet others every week',
    url: 'https://www.campaigntoendloneliness.org/the-facts-on-loneliness/',
    text: 'Campaign to End Loneliness: the facts',
  },
  {
    step: 'Less loneliness means fewer falls and fewer emergency admissions',
    url: 'https://www.nice.org.uk/guidance/ng32',
    text: 'NICE guideline NG32',
  },
  {
    step: 'Money not spent on emergency care is kept for parks and libraries',
    url: null,
    text: '',
  },
];

const RESPONSES = [
  { kind: 'pledge', body: 'I will walk with a neighbour to the Tuesday coffee morning at the library.' },
  { kind: 'pledge', body: 'Our church hall can host a lunch club on Thursdays, free of charge.' },
  { kind: 'idea', body: 'A bench trail round Longford Park, so people can stop and chat on the way.' },
] as const;

export async function seedChallenges({ db, place, log }: SeedContext): Promise<void> {
  if (place.slug !== 'trafford') return;
  const wards = await listWards({ db, place, actor: null });
  const longford = wards.find((w) => w.slug === 'longford');
  if (!longford) return;
  await withTransaction(db, async (tx) => {
    const rows = await tx.query(
      `insert into aid_challenges (id, place_id, title, summary, ward_code, how_to_help, measure_name,
         measure_baseline, measure_target, status, published_at)
       values ($1, $2, $3, $4, $5, $6, $7, 45, 120, 'published', now() - interval '30 days')
       on conflict (id) do nothing returning id`,
      [
        DEMO_CHALLENGE_ID,
        place.id,
        'Older people on their own in Longford',
        'Many older people in Longford live alone, and some go days without talking to anyone. Loneliness makes falls and hospital stays more likely. We can see this in our data; you can do something about it.',
        longford.code,
        'Knock on a neighbour’s door, give an hour a week to a lunch club, start a walking or coffee group, or tell us an idea that would work on your street.',
        'Older people going to a weekly group in Longford',
      ],
    );
    if (!rows.length) return;
    for (const [i, f] of FIGURES.entries())
      await tx.query(
        `insert into aid_challenge_figures (challenge_id, position, label, value, part_of, source_name, source_url, as_of)
         values ($1, $2, $3, $4, $5, $6, $7, $8::date)`,
        [DEMO_CHALLENGE_ID, i + 1, f.label, f.value, f.partOf, f.source, f.url, f.asOf],
      );
    for (const [i, s] of STEPS.entries())
      await tx.query(
        `insert into aid_challenge_impact_steps (challenge_id, position, step, evidence_url, evidence_text)
         values ($1, $2, $3, $4, $5)`,
        [DEMO_CHALLENGE_ID, i + 1, s.step, s.url, s.text],
      );
    for (const r of RESPONSES)
      await tx.query(
        `insert into aid_challenge_responses (challenge_id, kind, body, moderation_status, created_at)
         values ($1, $2, $3, 'published', now() - interval '20 days')`,
        [DEMO_CHALLENGE_ID, r.kind, r.body],
      );
    await tx.query(
      `insert into aid_challenge_updates (challenge_id, body, measure_value, as_of)
       values ($1, $2, 58, (now() - interval '10 days')::date)`,
      [
        DEMO_CHALLENGE_ID,
        'Two new lunch clubs have started, at the library and at St Matthew’s hall. Thirteen more people now come every week.',
      ],
    );
    log('Mutual aid: 1 council challenge');
  });
}

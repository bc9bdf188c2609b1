import type { Tx } from '../../../platform/db/types.js';
import type { Question } from './questions.js';
import type { DocumentToProvide, LegalInstrument, NoticeKind } from './type-service.js';

type DemoType = {
  slug: string;
  kind: NoticeKind;
  name: string;
  summary: string;
  guidance: string;
  noticeAmount: number;
  noticeUnit: 'calendar-days' | 'working-days';
  legalInstrument: LegalInstrument;
  objectionWorkingDays: number;
  questions: Question[];
  documents: DocumentToProvide[];
};

const q = (id: string, kind: Question['kind'], label: string, extra: Partial<Question> = {}): Question => ({
  id,
  kind,
  label,
  hint: '',
  required: true,
  options: [],
  ...extra,
});

/**
 * Typical English practice, with the fees waived: a street party on a quiet residential road
 * needs four weeks' notice and a Town Police Clauses Act order; a community event on a busier
 * road a temporary traffic regulation order and twelve weeks.
 */
export const DEMO_TYPES: DemoType[] = [
  {
    slug: 'street-party',
    kind: 'street-party',
    name: 'Street party',
    summary: 'A party on a quiet residential road, closed to traffic for the day.',
    guidance:
      'Tell us at least 4 weeks before. You do not need permission, a licence for music at a private party, or a food hygiene certificate to share food with neighbours. We close the road for you with an order under the Town Police Clauses Act 1847, at no cost. Public liability insurance is a good idea but not required. Talk to your neighbours early: we give you a letter to send them.',
    noticeAmount: 28,
    noticeUnit: 'calendar-days',
    legalInstrument: 'tpca-1847-s21',
    objectionWorkingDays: 10,
    questions: [
      q('road', 'choice', 'What kind of road is it?', {
        options: ['A cul-de-sac', 'A quiet residential road', 'A road with a bus route or through traffic'],
      }),
      q('music', 'yes-no', 'Will you play amplified music?'),
      q('cooking', 'yes-no', 'Will there be a barbecue or other cooking on the street?'),
    ],
    documents: [],
  },
  {
    slug: 'play-street',
    kind: 'play-street',
    name: 'Play street',
    summary: 'Your road closed to through traffic for a few hours so children can play out.',
    guidance:
      'Tell us 6 weeks before the first session. Stewards at each end let residents drive in and out at walking pace. We close the road with an order under the Town Police Clauses Act 1847, at no cost.',
    noticeAmount: 42,
    noticeUnit: 'calendar-days',
    legalInstrument: 'tpca-1847-s21',
    objectionWorkingDays: 10,
    questions: [
      q('how-often', 'choice', 'How often do you want to play out?', {
        options: ['Just once', 'Every week', 'Every month'],
      }),
      q('stewards', 'text', 'Who will steward the ends of the road?', { hint: 'First names are enough' }),
    ],
    documents: [],
  },
  {
    slug: 'road-closure',
    kind: 'road-closure',
    name: 'Road closure for a community event',
    summary: 'A fun run, carnival or procession that closes a busier road.',
    guidance:
      'Busier roads need a temporary traffic regulation order under section 16A of the Road Traffic Regulation Act 1984, which has to be advertised, so tell us 12 weeks before. We waive the fee for community events.',
    noticeAmount: 84,
    noticeUnit: 'calendar-days',
    legalInstrument: 'rtra-1984-s16a',
    objectionWorkingDays: 20,
    questions: [
      q('route', 'textarea', 'Describe the route or the area you want closed'),
      q('diversion', 'yes-no', 'Do you have a diversion in mind for traffic?', { required: false }),
    ],
    documents: [
      {
        id: 'insurance',
        name: 'Public liability insurance certificate',
        hint: 'Cover of at least £5 million for the day of the event.',
        required: true,
      },
      {
        id: 'route-plan',
        name: 'Plan of the route or closure',
        hint: 'A photo of a hand-drawn map is fine.',
        required: false,
      },
    ],
  },
  {
    slug: 'green-space',
    kind: 'green-space',
    name: 'Using a park or green space',
    summary: 'A picnic, game, litter pick or gathering in a park, for more than 30 people.',
    guidance:
      'Tell us 2 weeks before. Small gatherings need no notice at all. Please leave the space as you found it.',
    noticeAmount: 14,
    noticeUnit: 'calendar-days',
    legalInstrument: 'none',
    objectionWorkingDays: 5,
    questions: [
      q('gazebo', 'yes-no', 'Will you put up a gazebo, marquee or stage?'),
      q('selling', 'yes-no', 'Will you sell food or drink?'),
    ],
    documents: [],
  },
  {
    slug: 'public-building',
    kind: 'public-building',
    name: 'Using a public building or forecourt',
    summary: 'A stall, display or gathering at a library, town hall or council forecourt.',
    guidance: 'Tell us 10 working days before. For a room, book it under Spaces instead.',
    noticeAmount: 10,
    noticeUnit: 'working-days',
    legalInstrument: 'none',
    objectionWorkingDays: 5,
    questions: [q('building', 'text', 'Which building?')],
    documents: [],
  },
];

/** The demo place's notification types and its setting: notify and go. Idempotent. */
export async function seedNoticeTypes(tx: Tx, placeId: string): Promise<Map<string, string>> {
  await tx.query('insert into street_settings (place_id) values ($1) on conflict do nothing', [placeId]);
  const ids = new Map<string, string>();
  for (const [i, t] of DEMO_TYPES.entries()) {
    const rows = await tx.query<{ id: string }>(
      `insert into street_notice_types (place_id, slug, kind, name, summary, guidance, notice_amount, notice_unit,
         legal_instrument, objection_working_days, questions, documents, position)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict (place_id, slug) do update set slug = excluded.slug returning id`,
      [
        placeId,
        t.slug,
        t.kind,
        t.name,
        t.summary,
        t.guidance,
        t.noticeAmount,
        t.noticeUnit,
        t.legalInstrument,
        t.objectionWorkingDays,
        JSON.stringify(t.questions),
        JSON.stringify(t.documents),
        i,
      ],
    );
    ids.set(t.slug, rows[0]?.id as string);
  }
  return ids;
}

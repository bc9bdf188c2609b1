/**
 * The demo place's participatory budgets, as data: one finished (counted, being delivered), one
 * open for voting, one taking proposals. Projects are invented but placed in Trafford's real
 * wards (May 2023 codes).
 */

export const FINISHED_ID = 'b0d9e7a0-0000-4000-8000-000000000001';
export const VOTING_ID = 'b0d9e7a0-0000-4000-8000-000000000002';
export const PROPOSING_ID = 'b0d9e7a0-0000-4000-8000-000000000003';

export const FINISHED_SLUG = 'green-streets-fund-2026';
export const VOTING_SLUG = 'stretford-ward-budget-2027';
export const PROPOSING_SLUG = 'sale-moor-play-fund';

export type DemoProposal = {
  title: string;
  summary: string;
  ward: string;
  category: string;
  location: string;
  /** Cost lines in pounds. */
  costs: [label: string, pounds: number][];
  /** How much voters like it, 0–1 (drives the synthetic ballots). */
  appeal: number;
  notFeasible?: string;
};

export const FINISHED_PROPOSALS: DemoProposal[] = [
  {
    title: 'Trees for Stretford Road',
    summary: 'Plant 40 street trees with watering bags along Stretford Road.',
    ward: 'E05015256',
    category: 'green-spaces',
    location: 'Stretford Road',
    costs: [
      ['Trees and planting', 24000],
      ['Watering for two years', 4000],
    ],
    appeal: 0.55,
  },
  {
    title: 'Old Trafford community orchard',
    summary: 'Turn a corner of Seymour Park into a community orchard with 25 fruit trees.',
    ward: 'E05015253',
    category: 'green-spaces',
    location: 'Seymour Park',
    costs: [
      ['Fruit trees', 6000],
      ['Fencing and paths', 5500],
      ['Volunteer tools', 1500],
    ],
    appeal: 0.45,
  },
  {
    title: 'Safer crossing at Urmston station',
    summary: 'A raised crossing and better lighting on the walk to the station.',
    ward: 'E05015259',
    category: 'streets-and-transport',
    location: 'Station Road, Urmston',
    costs: [
      ['Raised crossing', 32000],
      ['Lighting', 6000],
    ],
    appeal: 0.4,
  },
  {
    title: 'Sale Water Park benches',
    summary: 'Twelve benches with backs and arms around the lake, so more people can walk it.',
    ward: 'E05015240',
    category: 'green-spaces',
    location: 'Sale Water Park',
    costs: [
      ['Benches', 9600],
      ['Installation', 2400],
    ],
    appeal: 0.35,
  },
  {
    title: 'Partington youth music studio',
    summary: 'Equip a room at the youth centre as a music studio run by young people.',
    ward: 'E05015244',
    category: 'arts-and-culture',
    location: 'Partington youth centre',
    costs: [
      ['Equipment', 11000],
      ['Sound-proofing', 7000],
    ],
    appeal: 0.25,
  },
  {
    title: 'Altrincham market square planters',
    summary: 'Large planters with seating that local schools help to plant.',
    ward: 'E05015239',
    category: 'green-spaces',
    location: 'Market Square, Altrincham',
    costs: [
      ['Planters', 8000],
      ['Plants', 2000],
    ],
    appeal: 0.3,
  },
  {
    title: 'Lostock bike library',
    summary: 'Free bikes to borrow, with a monthly repair café.',
    ward: 'E05015251',
    category: 'streets-and-transport',
    location: 'Lostock community centre',
    costs: [
      ['Bikes', 7000],
      ['Storage', 3000],
      ['Repair tools', 1000],
    ],
    appeal: 0.28,
  },
  {
    title: 'Davyhulme play area refresh',
    summary: 'Replace the broken swings and add an accessible roundabout.',
    ward: 'E05015245',
    category: 'play-and-sport',
    location: 'Davyhulme Park',
    costs: [
      ['Play equipment', 26000],
      ['Safety surfacing', 8000],
    ],
    appeal: 0.42,
  },
  {
    title: 'Gorse Hill wildflower verges',
    summary: 'Sow wildflowers on grass verges and mow them twice a year instead of every fortnight.',
    ward: 'E05015247',
    category: 'green-spaces',
    location: 'Verges around Gorse Hill Park',
    costs: [
      ['Seed and preparation', 3500],
      ['Signs', 500],
    ],
    appeal: 0.38,
  },
  {
    title: 'Timperley dementia-friendly walks',
    summary: 'Waymarked short walks with rest points and a printed guide.',
    ward: 'E05015258',
    category: 'community-spaces',
    location: 'Timperley village',
    costs: [
      ['Waymarking and rest points', 5200],
      ['Guides', 800],
    ],
    appeal: 0.22,
  },
  {
    title: 'Flixton riverside path repair',
    summary: 'Resurface the muddy stretch of the Mersey path so it can be used all year.',
    ward: 'E05015246',
    category: 'streets-and-transport',
    location: 'Mersey path near Flixton',
    costs: [['Resurfacing', 30000]],
    appeal: 0.33,
  },
  {
    title: 'Sale Moor community fridge',
    summary: 'A fridge and freezer at the community centre to share surplus food.',
    ward: 'E05015255',
    category: 'community-spaces',
    location: 'Sale Moor community centre',
    costs: [
      ['Fridges', 2500],
      ['Hygiene training', 500],
    ],
    appeal: 0.31,
  },
  {
    title: 'Broadheath outdoor gym',
    summary: 'Outdoor gym equipment next to the canal towpath.',
    ward: 'E05015242',
    category: 'play-and-sport',
    location: 'Bridgewater Canal, Broadheath',
    costs: [
      ['Equipment', 18000],
      ['Surfacing', 4000],
    ],
    appeal: 0.2,
  },
  {
    title: 'Hale library garden',
    summary: 'A reading garden behind the library with raised beds.',
    ward: 'E05015248',
    category: 'community-spaces',
    location: 'Hale library',
    costs: [
      ['Raised beds and seating', 7500],
      ['Planting', 1500],
    ],
    appeal: 0.18,
  },
  {
    title: 'Longford Park mural',
    summary: 'A mural by local artists on the pavilion wall, designed with residents.',
    ward: 'E05015250',
    category: 'arts-and-culture',
    location: 'Longford Park pavilion',
    costs: [
      ['Artists', 6000],
      ['Materials', 2000],
    ],
    appeal: 0.24,
  },
  {
    title: 'Manor ward pocket park',
    summary: 'Turn an empty plot into a small park with trees and seats.',
    ward: 'E05015252',
    category: 'green-spaces',
    location: 'Corner of Kingsway and Lindow Street',
    costs: [
      ['Landscaping', 21000],
      ['Trees and seats', 6000],
    ],
    appeal: 0.26,
  },
  {
    title: 'Floodlights for Brooklands football pitch',
    summary: 'Floodlights so the junior teams can train in winter evenings.',
    ward: 'E05015243',
    category: 'play-and-sport',
    location: 'Brooklands playing fields',
    costs: [['Floodlights', 45000]],
    appeal: 0.2,
    notFeasible:
      'The pitch is on land the council leases from a trust, and the lease does not allow permanent lighting. We have passed the idea to the trust.',
  },
  {
    title: 'Free parking in Altrincham on Saturdays',
    summary: 'Make the council car parks free on Saturdays for a year.',
    ward: 'E05015239',
    category: 'streets-and-transport',
    location: 'Altrincham town centre',
    costs: [['Lost parking income', 60000]],
    appeal: 0.3,
    notFeasible:
      'Participatory budgets pay for one-off projects. Parking charges are set in the council budget, so this cannot be funded here; we have sent it to the budget consultation.',
  },
];

export const VOTING_PROPOSALS: DemoProposal[] = [
  {
    title: 'Humphrey Park station garden',
    summary: 'Planters and a bench at the station entrance, looked after by neighbours.',
    ward: 'E05015256',
    category: 'green-spaces',
    location: 'Humphrey Park station',
    costs: [
      ['Planters and bench', 4200],
      ['Plants', 800],
    ],
    appeal: 0.5,
  },
  {
    title: 'Stretford library homework club',
    summary: 'Laptops and snacks for a free after-school homework club.',
    ward: 'E05015256',
    category: 'community-spaces',
    location: 'Stretford library',
    costs: [
      ['Laptops', 6000],
      ['Snacks for a year', 1500],
    ],
    appeal: 0.45,
  },
  {
    title: 'Kings Road speed cushions',
    summary: 'Speed cushions outside the primary school.',
    ward: 'E05015256',
    category: 'streets-and-transport',
    location: 'Kings Road',
    costs: [['Speed cushions', 14000]],
    appeal: 0.35,
  },
  {
    title: 'Victoria Park table tennis',
    summary: 'Two outdoor table tennis tables.',
    ward: 'E05015256',
    category: 'play-and-sport',
    location: 'Victoria Park',
    costs: [
      ['Tables', 5000],
      ['Installation', 1000],
    ],
    appeal: 0.3,
  },
  {
    title: 'Stretford Mall community noticeboard',
    summary: 'A big community noticeboard and a screen for what is on.',
    ward: 'E05015256',
    category: 'community-spaces',
    location: 'Stretford Mall',
    costs: [
      ['Noticeboard', 2000],
      ['Screen', 3500],
    ],
    appeal: 0.2,
  },
  {
    title: 'Longford Brook clean-up kit',
    summary: 'Waders, litter pickers and a trailer for monthly brook clean-ups.',
    ward: 'E05015256',
    category: 'green-spaces',
    location: 'Longford Brook',
    costs: [['Kit and trailer', 3800]],
    appeal: 0.28,
  },
  {
    title: 'Street party starter kits',
    summary: 'Tables, gazebos and road signs residents can borrow for street parties.',
    ward: 'E05015256',
    category: 'community-spaces',
    location: 'Stored at Stretford library',
    costs: [
      ['Tables and gazebos', 4500],
      ['Road signs', 1500],
    ],
    appeal: 0.33,
  },
  {
    title: 'Chester Road murals',
    summary: 'Three murals on underpass walls, designed with local schools.',
    ward: 'E05015256',
    category: 'arts-and-culture',
    location: 'Chester Road underpasses',
    costs: [
      ['Artists', 9000],
      ['Materials', 3000],
    ],
    appeal: 0.25,
  },
];

export const PROPOSING_PROPOSALS: DemoProposal[] = [
  {
    title: 'Sale Moor park natural play',
    summary: 'Logs, boulders and a willow tunnel for younger children.',
    ward: 'E05015255',
    category: 'play-and-sport',
    location: 'Sale Moor park',
    costs: [
      ['Natural play features', 9000],
      ['Installation', 2000],
    ],
    appeal: 0.4,
  },
  {
    title: 'Skate spot on Northenden Road',
    summary: 'A small skate spot by the shops for teenagers.',
    ward: 'E05015255',
    category: 'play-and-sport',
    location: 'Northenden Road',
    costs: [['Ramps and rails', 16000]],
    appeal: 0.3,
  },
  {
    title: 'Pop-up play street kit',
    summary: 'Road closure signs and play kit for monthly play streets.',
    ward: 'E05015255',
    category: 'play-and-sport',
    location: 'Stored at the community centre',
    costs: [
      ['Signs', 900],
      ['Play kit', 1100],
    ],
    appeal: 0.35,
  },
];

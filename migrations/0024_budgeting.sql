-- Participatory budgeting (SPEC §3.6): residents propose projects, officers check them, residents
-- vote in secret, the counting engine (src/lib/pb-rules) decides, and delivery is tracked.

-- A PB process: a budget for a place or one ward, with its rules and phases.
create table pb_processes (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  title text not null check (length(title) between 1 and 120),
  summary text not null default '' check (length(summary) <= 2000),
  -- null: the whole place.
  ward_code text,
  budget_pence bigint not null check (budget_pence between 100 and 100000000000),
  -- Eligibility.
  min_age integer not null default 16 check (min_age between 0 and 120),
  residence_required boolean not null default true,
  -- The ballot: approval (min/max projects), cumulative (points to spread), knapsack (projects
  -- within the budget) or ranked (up to max_selections in order).
  ballot_type text not null check (ballot_type in ('approval', 'cumulative', 'knapsack', 'ranked')),
  min_selections integer not null default 1 check (min_selections between 0 and 100),
  max_selections integer check (max_selections between 1 and 100 and max_selections >= min_selections),
  points_total integer check (points_total between 1 and 1000),
  -- How votes are counted (src/lib/pb-rules): the Method of Equal Shares by default.
  rule text not null default 'mes-cost' check (rule in ('mes-cost', 'greedy', 'phragmen')),
  completion text not null default 'add1u' check (completion in ('none', 'add1', 'add1u')),
  -- Who may vote: any of email, letter, register, in-person (see docs/budgeting.md).
  verification_methods text[] not null default '{email}'
    check (cardinality(verification_methods) >= 1
      and verification_methods <@ array['email', 'letter', 'register', 'in-person']::text[]),
  phase text not null default 'ideas'
    check (phase in ('ideas', 'proposals', 'feasibility', 'voting', 'results', 'delivery')),
  -- The published timetable (dates in Europe/London).
  ideas_from date,
  proposals_from date,
  feasibility_from date,
  voting_opens_at timestamptz,
  voting_closes_at timestamptz check (voting_closes_at > voting_opens_at),
  results_from date,
  delivery_from date,
  -- Each vote is a round; stopping a vote (with a published reason) and starting again makes a
  -- new round, and only the current round's ballots count.
  round integer not null default 1 check (round >= 1),
  -- Set when voting opens: from then the ballot type, eligibility and rule cannot change.
  locked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, slug)
);
create index pb_processes_place on pb_processes (place_id);

-- Votes stopped, with the reason published on the process page.
create table pb_vote_stops (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  round integer not null,
  reason text not null check (length(reason) between 1 and 2000),
  stopped_by uuid references users (id) on delete set null,
  stopped_at timestamptz not null default now()
);

-- Proposals: projects residents and groups put forward, checked by officers.
create table pb_proposals (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  -- Short, stable, shown to people and used as the project id in the .pb export.
  number integer not null check (number >= 1),
  title text not null check (length(title) between 1 and 120),
  summary text not null check (length(summary) between 1 and 300),
  description text not null default '' check (length(description) <= 5000),
  ward_code text,
  category text not null default '' check (length(category) <= 60),
  location text not null default '' check (length(location) <= 200),
  author_id uuid references users (id) on delete set null,
  -- A directory group the proposal is made for, when it is.
  group_id uuid references directory_groups (id) on delete set null,
  status text not null default 'submitted'
    check (status in ('submitted', 'feasible', 'not-feasible', 'withdrawn', 'merged')),
  -- The officers' feasibility check, published with its reason.
  feasibility_reason text not null default '' check (length(feasibility_reason) <= 2000),
  checked_by uuid references users (id) on delete set null,
  checked_at timestamptz,
  -- The cost voters see: the breakdown's total until an officer adjusts it (see cost changes).
  cost_pence bigint not null check (cost_pence between 1 and 100000000000),
  merged_into uuid references pb_proposals (id) on delete set null,
  image_key text,
  image_alt text check (length(image_alt) <= 250),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (process_id, number)
);
create index pb_proposals_process on pb_proposals (process_id, status);

-- The cost breakdown as proposed.
create table pb_proposal_costs (
  proposal_id uuid not null references pb_proposals (id) on delete cascade,
  position smallint not null,
  label text not null check (length(label) between 1 and 120),
  amount_pence bigint not null check (amount_pence between 0 and 100000000000),
  primary key (proposal_id, position)
);

-- Every change to a proposal's cost, shown publicly as its history.
create table pb_proposal_cost_changes (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references pb_proposals (id) on delete cascade,
  before_pence bigint not null,
  after_pence bigint not null,
  reason text not null check (length(reason) between 1 and 1000),
  changed_by uuid references users (id) on delete set null,
  changed_at timestamptz not null default now()
);

-- Merging similar proposals needs every author's agreement.
create table pb_merges (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  into_id uuid not null references pb_proposals (id) on delete cascade,
  from_id uuid not null references pb_proposals (id) on delete cascade,
  reason text not null check (length(reason) between 1 and 1000),
  proposed_by uuid references users (id) on delete set null,
  status text not null default 'pending' check (status in ('pending', 'agreed', 'declined')),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  check (into_id <> from_id)
);
create table pb_merge_answers (
  merge_id uuid not null references pb_merges (id) on delete cascade,
  author_id uuid not null references users (id) on delete cascade,
  agreed boolean not null,
  answered_at timestamptz not null default now(),
  primary key (merge_id, author_id)
);

-- Who may vote. Each credential (letter code, register entry, in-person code) can be claimed
-- once, and pb_voters keeps one row per person per process, so one person votes once however
-- many methods are on.

-- Single-use codes printed on letters to every address in the area.
create table pb_letter_codes (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  batch integer not null default 1,
  code text not null check (code ~ '^[A-Z0-9]{12}$'),
  address text not null check (length(address) between 1 and 300),
  postcode text not null default '',
  ward_code text,
  used_at timestamptz,
  unique (process_id, code)
);

-- A local register (e.g. an electoral register extract): only a keyed hash of name, postcode
-- and date of birth is stored, with the ward and age band used for turnout figures.
create table pb_register_entries (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  match_hash text not null,
  ward_code text,
  age_band text,
  used_at timestamptz,
  unique (process_id, match_hash)
);

-- Codes an officer issues after checking someone in person (a library, a pop-up stall).
create table pb_in_person_codes (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  code text not null check (code ~ '^[A-Z0-9]{12}$'),
  venue text not null default '' check (length(venue) <= 120),
  issued_by uuid references users (id) on delete set null,
  issued_at timestamptz not null default now(),
  ward_code text,
  age_band text,
  used_at timestamptz,
  unique (process_id, code)
);

-- The voter-has-voted register: who is verified to vote, and whether they have. It never says
-- which ballot is theirs, and holds the day, not the time, of anything.
create table pb_voters (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  method text not null check (method in ('email', 'letter', 'register', 'in-person')),
  -- A keyed hash of name, postcode and date of birth where the method collected them, so a
  -- person verified twice by different methods is still one voter.
  identity_hash text,
  -- The letter code, register entry or in-person code claimed.
  credential_id uuid,
  ward_code text,
  age_band text check (age_band in ('16-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+')),
  verified_on date not null default current_date,
  round integer not null default 1,
  voted boolean not null default false,
  -- How they voted: online, or on paper issued by an officer who checked them in person.
  channel text check (channel in ('online', 'paper')),
  unique (process_id, user_id),
  unique (process_id, identity_hash),
  unique (process_id, credential_id)
);

-- The ballots: no voter, no time. A ballot is found only through its receipt code, which only
-- the voter holds (its hash is stored). Project ids are proposal ids; points go with
-- cumulative ballots, and ranked ballots keep the voter's order.
create table pb_ballots (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  round integer not null,
  receipt_hash text not null unique,
  channel text not null check (channel in ('online', 'paper')),
  projects uuid[] not null,
  points integer[],
  check (points is null or cardinality(points) = cardinality(projects))
);
create index pb_ballots_process on pb_ballots (process_id, round);

-- Paper ballots, entered twice by two different officers; a ballot counts when the entries agree.
create table pb_paper_ballots (
  id uuid primary key default gen_random_uuid(),
  process_id uuid not null references pb_processes (id) on delete cascade,
  round integer not null,
  paper_number text not null check (paper_number ~ '^[0-9]{1,8}$'),
  status text not null default 'pending' check (status in ('pending', 'mismatch', 'counted', 'spoilt')),
  -- As written on the paper, when the voter gave them (for turnout figures).
  ward_code text,
  age_band text,
  unique (process_id, round, paper_number)
);
create table pb_paper_entries (
  id uuid primary key default gen_random_uuid(),
  paper_id uuid not null references pb_paper_ballots (id) on delete cascade,
  entered_by uuid not null references users (id) on delete restrict,
  projects uuid[] not null,
  points integer[],
  spoilt boolean not null default false,
  entered_at timestamptz not null default now(),
  unique (paper_id, entered_by)
);

-- Counts: the official result of a round, and what the other rules would have done.
create table pb_results (
  process_id uuid not null references pb_processes (id) on delete cascade,
  round integer not null,
  rule text not null,
  completion text not null,
  official boolean not null,
  -- resultToJson's shape (docs/pb-rules.md), with project ids as proposal numbers.
  result jsonb not null,
  ballots integer not null,
  counted_at timestamptz not null default now(),
  primary key (process_id, round, rule)
);

-- Delivery of funded projects after the vote.
create table pb_delivery_updates (
  id uuid primary key default gen_random_uuid(),
  proposal_id uuid not null references pb_proposals (id) on delete cascade,
  status text not null check (status in ('not-started', 'in-progress', 'delayed', 'delivered', 'cancelled')),
  note text not null check (length(note) between 1 and 2000),
  spent_to_date_pence bigint not null check (spent_to_date_pence >= 0),
  posted_by uuid references users (id) on delete set null,
  posted_at timestamptz not null default now()
);
create index pb_delivery_updates_proposal on pb_delivery_updates (proposal_id, posted_at);

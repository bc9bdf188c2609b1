-- Streets and public space (SPEC §3.4): residents notify the council and their neighbours of a
-- street party, play street, road closure or use of a park or public building, and go ahead
-- unless an officer shows a good reason why not (the Community Power of Competence), or, where a
-- place has not adopted that, apply and wait for a decision.

-- One row per place: how the place treats notifications.
create table street_settings (
  place_id uuid primary key references places (id) on delete cascade,
  -- true: notify and go ahead unless objected to; false: apply and wait for approval.
  power_of_competence boolean not null default true,
  updated_at timestamptz not null default now()
);

-- The kinds of notification a place takes, each with its own rules.
create table street_notice_types (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  kind text not null check (kind in ('street-party', 'play-street', 'road-closure', 'green-space', 'public-building')),
  name text not null check (length(name) between 1 and 120),
  summary text not null default '' check (length(summary) <= 300),
  guidance text not null default '' check (length(guidance) <= 5000),
  notice_amount integer not null check (notice_amount between 0 and 365),
  notice_unit text not null check (notice_unit in ('calendar-days', 'working-days')),
  legal_instrument text not null default 'none'
    check (legal_instrument in ('none', 'tpca-1847-s21', 'rtra-1984-s14', 'rtra-1984-s16a')),
  fee_pence integer not null default 0 check (fee_pence between 0 and 10000000),
  objection_working_days integer not null default 10 check (objection_working_days between 0 and 60),
  decision_working_days integer not null default 10 check (decision_working_days between 0 and 60),
  -- Extra questions, from a fixed set of question types (see streets/types/questions.ts).
  questions jsonb not null default '[]' check (jsonb_typeof(questions) = 'array'),
  -- Documents to provide: [{ "id", "name", "hint", "required" }].
  documents jsonb not null default '[]' check (jsonb_typeof(documents) = 'array'),
  active boolean not null default true,
  position smallint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, slug)
);

create table street_notices (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  type_id uuid not null references street_notice_types (id),
  -- What the resident quotes: short, unguessable, never reused within a place.
  reference text not null check (reference ~ '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
  -- The mode it was made under: changing the place's setting later does not change its rules.
  mode text not null check (mode in ('notify', 'approve')),
  status text not null default 'draft' check (status in (
    'draft', 'going-ahead', 'confirmed', 'objected', 'submitted', 'approved', 'refused',
    'appealed', 'stopped', 'withdrawn', 'held', 'lapsed')),
  organiser_id uuid references users (id) on delete set null,
  organiser_name text not null default '' check (length(organiser_name) <= 120),
  organiser_phone text not null default '' check (length(organiser_phone) <= 40),
  -- The organiser's name is shown publicly only if they say so.
  show_organiser boolean not null default false,
  title text not null default '' check (length(title) <= 120),
  description text not null default '' check (length(description) <= 2000),
  ward_code text,
  street text not null default '' check (length(street) <= 200),
  -- The stretch of road, between two junctions or house numbers, in the resident's words.
  from_point text not null default '' check (length(from_point) <= 200),
  to_point text not null default '' check (length(to_point) <= 200),
  location_text text not null default '' check (length(location_text) <= 500),
  lon double precision check (lon between -180 and 180),
  lat double precision check (lat between -90 and 90),
  starts_at timestamptz,
  ends_at timestamptz check (ends_at is null or starts_at is null or ends_at > starts_at),
  expected_people integer check (expected_people between 1 and 100000),
  road_closure boolean,
  answers jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
  notified_at timestamptz,
  -- Notify mode: the end of the last day an officer can object. Approval mode: the decision is due.
  objection_deadline timestamptz,
  decision_deadline timestamptz,
  fee_pence integer not null default 0 check (fee_pence >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, reference),
  check (status = 'draft' or (starts_at is not null and ends_at is not null and notified_at is not null))
);
create index street_notices_place_time on street_notices (place_id, starts_at) where status <> 'draft';
create index street_notices_organiser on street_notices (organiser_id, created_at desc);
create index street_notices_status on street_notices (status, objection_deadline);

-- What happened to a notification, in order, with the reasons: the page's history and the
-- annual report's "objections and their reasons".
create table street_notice_events (
  id bigint generated always as identity primary key,
  notice_id uuid not null references street_notices (id) on delete cascade,
  place_id uuid not null references places (id) on delete cascade,
  action text not null check (action in (
    'submit', 'object', 'close-window', 'amend', 'appeal', 'uphold-appeal', 'dismiss-appeal',
    'approve', 'refuse', 'withdraw', 'event-over')),
  from_status text not null,
  to_status text not null,
  reason text not null default '' check (length(reason) <= 2000),
  actor_id uuid references users (id) on delete set null,
  at timestamptz not null default now()
);
create index street_notice_events_notice on street_notice_events (notice_id, id);
create index street_notice_events_place on street_notice_events (place_id, action, at);

-- Files the resident provides (a plan of the closure, an insurance certificate).
create table street_notice_documents (
  id uuid primary key default gen_random_uuid(),
  notice_id uuid not null references street_notices (id) on delete cascade,
  document_id text not null check (length(document_id) <= 60),
  file_name text not null,
  original_name text not null default '' check (length(original_name) <= 200),
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes integer not null check (size_bytes > 0),
  created_at timestamptz not null default now()
);
create index street_notice_documents_notice on street_notice_documents (notice_id);

-- Neighbours answer the letter: coming, offering help, or a concern (which reaches the officer
-- but never stops the event by itself).
create table street_neighbour_responses (
  id uuid primary key default gen_random_uuid(),
  notice_id uuid not null references street_notices (id) on delete cascade,
  place_id uuid not null references places (id) on delete cascade,
  kind text not null check (kind in ('coming', 'help', 'concern')),
  name text not null default '' check (length(name) <= 120),
  message text not null default '' check (length(message) <= 2000),
  email text check (length(email) <= 254),
  seen_at timestamptz,
  created_at timestamptz not null default now()
);
create index street_neighbour_responses_notice on street_neighbour_responses (notice_id, created_at);

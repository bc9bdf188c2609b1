-- Citizens' assemblies (SPEC §3.7): a council asks a question; a fair, random, representative
-- group of residents learns, deliberates and recommends; the council answers in public.
-- This migration holds the assembly itself, its quotas, timetable, assigned officers and its
-- respondents (shared by recruitment and selection). Later migrations add the other parts.

create table assemblies (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  title text not null check (length(title) between 1 and 120),
  question text not null check (length(question) between 1 and 500),
  summary text not null default '' check (length(summary) <= 4000),
  panel_size integer not null check (panel_size between 5 and 500),
  -- Members' expenses (travel, care, loss of earnings), in pence.
  expenses_budget_pence bigint not null default 0 check (expenses_budget_pence between 0 and 100000000000),
  algorithm text not null default 'leximin' check (algorithm in ('leximin', 'maximin', 'legacy')),
  -- setup → recruiting → selecting → running → finished (or back while nothing is published).
  status text not null default 'setup'
    check (status in ('setup', 'recruiting', 'selecting', 'running', 'finished')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, slug)
);
create index assemblies_place on assemblies (place_id);

-- One feature (e.g. gender, age band, ward) with its values and quotas, in display order.
-- `values` is [{"value", "label", "share", "min", "max"}]: share is the population share used to
-- suggest the quota (null when entered by hand), min and max the seats for that value.
create table assembly_features (
  assembly_id uuid not null references assemblies (id) on delete cascade,
  position integer not null check (position >= 0),
  key text not null check (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(key) <= 40),
  name text not null check (length(name) between 1 and 80),
  -- Where the suggested shares came from (shown with the arithmetic), e.g. ONS mid-2024 estimates.
  source text not null default '' check (length(source) <= 300),
  "values" jsonb not null check (jsonb_typeof("values") = 'array' and jsonb_array_length("values") between 1 and 40),
  primary key (assembly_id, key),
  unique (assembly_id, position)
);

-- The timetable: sessions in order.
create table assembly_sessions (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  position integer not null check (position >= 1),
  title text not null check (length(title) between 1 and 120),
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  location text not null default '' check (length(location) <= 300),
  summary text not null default '' check (length(summary) <= 4000),
  unique (assembly_id, position)
);

-- Officers assigned to an assembly: only they (and place admins) see respondents' personal data.
create table assembly_officers (
  assembly_id uuid not null references assemblies (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  assigned_at timestamptz not null default now(),
  primary key (assembly_id, user_id)
);

-- People who answered an invitation and registered (online, or by phone through an officer).
-- Personal data: visible only to assigned officers; the public sees aggregates only.
create table assembly_respondents (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  -- Short public reference used in published files instead of names (e.g. "R0042").
  reference text not null check (reference ~ '^R[0-9]{4,6}$'),
  -- The invitation they answered (recruitment's table; the reference is added there).
  invitation_id uuid,
  user_id uuid references users (id) on delete set null,
  name text not null check (length(name) between 1 and 120),
  email text check (length(email) <= 254),
  phone text check (length(phone) <= 40),
  address text not null default '' check (length(address) <= 300),
  postcode text not null default '' check (length(postcode) <= 10),
  -- At most one member per household: respondents at the same address share this key.
  household text not null default '' check (length(household) <= 300),
  -- Their value of each feature, keyed by assembly_features.key.
  features jsonb not null default '{}' check (jsonb_typeof(features) = 'object'),
  access_needs text not null default '' check (length(access_needs) <= 2000),
  consent_at timestamptz not null,
  registered_by text not null default 'self' check (registered_by in ('self', 'officer')),
  -- registered → selected / not-selected; a selected member may drop out and be replaced.
  status text not null default 'registered'
    check (status in ('registered', 'selected', 'not-selected', 'dropped-out', 'withdrawn')),
  -- Their chance of selection from the last selection run (shown to them privately).
  probability double precision check (probability between 0 and 1),
  created_at timestamptz not null default now(),
  unique (assembly_id, reference)
);
create index assembly_respondents_assembly on assembly_respondents (assembly_id, status);
create index assembly_respondents_user on assembly_respondents (user_id);

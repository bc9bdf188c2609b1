-- Council challenges (SPEC §3.2): an officer publishes a hyper-local problem with the aggregated
-- data behind it, an impact chain with evidence, and how to help; residents and groups answer
-- with a pledge, a new group or an idea; progress updates track one outcome measure.
-- Figures are stored as entered; every public output passes them through small-number
-- suppression (src/lib/disclosure), so counts from 1 to 9 never leave the service.

create table aid_challenges (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  title text not null check (length(title) between 1 and 120),
  summary text not null check (length(summary) between 1 and 2000),
  -- A ward, or null with an area described in words (several wards, an estate, the whole place).
  ward_code text,
  area text not null default '' check (length(area) <= 120),
  how_to_help text not null check (length(how_to_help) between 1 and 2000),
  measure_name text not null check (length(measure_name) between 1 and 120),
  measure_baseline integer check (measure_baseline >= 0),
  measure_target integer check (measure_target >= 0),
  status text not null default 'draft' check (status in ('draft', 'published', 'closed')),
  published_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ward_code is not null or area <> '')
);
create index aid_challenges_place on aid_challenges (place_id, status, published_at desc);

-- The aggregated data behind a challenge. A figure may be a part of another figure (its total).
create table aid_challenge_figures (
  id uuid primary key default gen_random_uuid(),
  challenge_id uuid not null references aid_challenges (id) on delete cascade,
  position integer not null check (position between 1 and 20),
  label text not null check (length(label) between 1 and 200),
  value integer not null check (value >= 0),
  part_of integer check (part_of between 1 and 20 and part_of <> position),
  source_name text not null check (length(source_name) between 1 and 200),
  source_url text not null check (source_url ~ '^https?://' and length(source_url) <= 500),
  as_of date not null,
  unique (challenge_id, position)
);

create table aid_challenge_impact_steps (
  id uuid primary key default gen_random_uuid(),
  challenge_id uuid not null references aid_challenges (id) on delete cascade,
  position integer not null check (position between 1 and 20),
  step text not null check (length(step) between 1 and 300),
  evidence_url text check (evidence_url ~ '^https?://' and length(evidence_url) <= 500),
  evidence_text text not null default '' check (length(evidence_text) <= 200),
  unique (challenge_id, position)
);

-- Answers from residents: public actions, shown with the person's name only if they chose that.
create table aid_challenge_responses (
  id uuid primary key default gen_random_uuid(),
  challenge_id uuid not null references aid_challenges (id) on delete cascade,
  kind text not null check (kind in ('pledge', 'start-group', 'idea')),
  user_id uuid references users (id) on delete set null,
  group_id uuid references directory_groups (id) on delete set null,
  body text not null check (length(body) between 1 and 1000),
  show_name boolean not null default false,
  moderation_status text not null default 'pending' check (moderation_status in ('pending', 'published', 'hidden')),
  created_at timestamptz not null default now()
);
create index aid_challenge_responses_challenge on aid_challenge_responses (challenge_id, kind);
create index aid_challenge_responses_user on aid_challenge_responses (user_id);

create table aid_challenge_updates (
  id uuid primary key default gen_random_uuid(),
  challenge_id uuid not null references aid_challenges (id) on delete cascade,
  body text not null check (length(body) between 1 and 2000),
  measure_value integer check (measure_value >= 0),
  as_of date not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index aid_challenge_updates_challenge on aid_challenge_updates (challenge_id, as_of);

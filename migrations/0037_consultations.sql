-- Consultations (SPEC §3.8, issue 14): an officer asks residents questions (a survey) and, for
-- the design of a public space, where on a map or site plan their comments apply. Results are
-- published with charts, and the answers can be downloaded anonymised.

create table consultations (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  summary text not null check (length(summary) between 1 and 4000),
  run_by text not null check (length(run_by) between 1 and 200),
  opens_on date not null,
  closes_on date not null,
  -- A ward by code (wards belong to another module), or null for the whole place.
  ward_code text check (length(ward_code) between 1 and 20),
  -- The decision this consultation informs: a path on this site (e.g. /trafford/decisions/…).
  decision_path text check (length(decision_path) between 2 and 500 and decision_path like '/%'),
  status text not null default 'draft' check (status in ('draft', 'open', 'closed', 'published')),
  -- The "Where?" map: the ward map drawn as SVG, a site plan uploaded by the officer (re-encoded
  -- to WebP), or a drawn SVG plan (the demo). The image is held here: it is small, and one
  -- image per consultation.
  map_kind text check (map_kind in ('ward', 'plan', 'drawn')),
  map_type text check (map_type in ('image/svg+xml', 'image/webp')),
  map_image bytea,
  map_width integer check (map_width between 1 and 4000),
  map_height integer check (map_height between 1 and 4000),
  map_alt text check (length(map_alt) <= 500),
  map_prompt text check (length(map_prompt) <= 500),
  -- The named areas offered instead of the map (the accessible alternative).
  map_areas text[] not null default '{}' check (cardinality(map_areas) <= 30),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (closes_on >= opens_on),
  check ((map_kind is null) = (map_image is null))
);
create index consultations_place on consultations (place_id, status, closes_on desc);

create table consultation_questions (
  id uuid primary key default gen_random_uuid(),
  consultation_id uuid not null references consultations (id) on delete cascade,
  position integer not null check (position >= 0),
  kind text not null check (kind in ('radios', 'checkboxes', 'text', 'scale', 'ranking')),
  prompt text not null check (length(prompt) between 1 and 300),
  hint text not null default '' check (length(hint) <= 500),
  required boolean not null default true,
  options text[] not null default '{}' check (cardinality(options) <= 20),
  -- Kind-specific settings: checkboxes {minChoices, maxChoices}; text {long, maxLength};
  -- scale {min, max, lowLabel, highLabel}.
  settings jsonb not null default '{}'
);
create index consultation_questions_order on consultation_questions (consultation_id, position);

-- One response per person per consultation. `anon_id` is the only id ever published; the user
-- link is removed when the person's account is erased, keeping the answers anonymously.
create table consultation_responses (
  id uuid primary key default gen_random_uuid(),
  anon_id uuid not null unique default gen_random_uuid(),
  consultation_id uuid not null references consultations (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  -- { questionId: answer }: radios and text a string, checkboxes and ranking a list of option
  -- texts (ranking in rank order), scale a whole number.
  answers jsonb not null default '{}',
  -- The day it was sent (null while still a draft); no finer time is kept for results.
  submitted_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (consultation_id, user_id)
);

create table consultation_map_comments (
  id uuid primary key default gen_random_uuid(),
  response_id uuid not null references consultation_responses (id) on delete cascade,
  -- Where on the image, as fractions of its width and height (0 to 1).
  x numeric(5, 4) check (x between 0 and 1),
  y numeric(5, 4) check (y between 0 and 1),
  area text check (length(area) between 1 and 100),
  place_words text not null default '' check (length(place_words) <= 300),
  comment text not null check (length(comment) between 1 and 2000),
  created_at timestamptz not null default now(),
  check ((x is null) = (y is null)),
  check (x is not null or area is not null or length(place_words) > 0)
);
create index consultation_map_comments_response on consultation_map_comments (response_id);

-- Neighbourhood assemblies (SPEC §3.7, seed 001 §8): a lighter forum per ward where residents
-- meet, add to a story book (what mattered to them, what they want to keep), and facilitators
-- name the themes and record the actions agreed. Wards are read through the wards module, so
-- the ward is held by its code rather than a foreign key into its table.

create table neighbourhood_assemblies (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  ward_code text not null check (length(ward_code) between 1 and 20),
  -- Open: it meets and takes stories. Closed: its story book stays readable, nothing is added.
  status text not null default 'open' check (status in ('open', 'closed')),
  -- The open invitation in the facilitator's words: who is welcome, how it usually runs.
  invitation text not null default '' check (length(invitation) <= 2000),
  -- A short public note from the facilitator (e.g. "We meet in the café's back room").
  facilitator_note text not null default '' check (length(facilitator_note) <= 2000),
  opened_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, ward_code)
);

-- Meetings, past and next. Times are instants, shown in Europe/London.
create table neighbourhood_meetings (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references neighbourhood_assemblies (id) on delete cascade,
  starts_at timestamptz not null,
  venue text not null check (length(venue) between 1 and 200),
  -- Written up afterwards: what was talked about and agreed.
  what_happened text not null default '' check (length(what_happened) <= 4000),
  created_at timestamptz not null default now()
);
create index neighbourhood_meetings_assembly on neighbourhood_meetings (assembly_id, starts_at);

-- The story book. Pre-moderated: pending until a facilitator publishes it (or hides it with a
-- reason the author sees). The author's account is never published: only the name they chose
-- to show, or nothing (shown as "A resident of <ward>").
create table neighbourhood_stories (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references neighbourhood_assemblies (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  mattered text not null check (length(mattered) between 1 and 2000),
  keep text not null default '' check (length(keep) <= 1000),
  -- null: anonymous.
  display_name text check (length(display_name) between 1 and 60),
  -- Stored files (platform/files): a re-encoded WebP photo (and its thumbnail), an audio file.
  photo_key text check (photo_key ~ '^neighbourhood-stories/[0-9a-f-]{36}\.webp$'),
  photo_alt text check (length(photo_alt) <= 300),
  audio_key text check (audio_key ~ '^neighbourhood-stories/[0-9a-f-]{36}\.(mp3|m4a|ogg|wav)$'),
  status text not null default 'pending' check (status in ('pending', 'published', 'hidden')),
  hidden_reason text check (length(hidden_reason) <= 1000),
  moderated_by uuid references users (id) on delete set null,
  moderated_at timestamptz,
  created_at timestamptz not null default now(),
  check (status <> 'hidden' or length(btrim(coalesce(hidden_reason, ''))) > 0),
  check ((photo_key is null) = (photo_alt is null))
);
create index neighbourhood_stories_assembly on neighbourhood_stories (assembly_id, status, created_at);
create index neighbourhood_stories_author on neighbourhood_stories (author_id);

-- Themes the facilitator names as the stories come in ("Parks and green space").
create table neighbourhood_themes (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references neighbourhood_assemblies (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  name text not null check (length(name) between 1 and 80),
  created_at timestamptz not null default now(),
  unique (assembly_id, slug)
);

create table neighbourhood_story_themes (
  story_id uuid not null references neighbourhood_stories (id) on delete cascade,
  theme_id uuid not null references neighbourhood_themes (id) on delete cascade,
  primary key (story_id, theme_id)
);
create index neighbourhood_story_themes_theme on neighbourhood_story_themes (theme_id);

-- What the assembly agreed to do. An action can become an idea, a mutual-aid challenge or a
-- group activity: the kind says which, and the link points at it once it exists.
create table neighbourhood_actions (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references neighbourhood_assemblies (id) on delete cascade,
  body text not null check (length(body) between 1 and 500),
  kind text not null check (kind in ('idea', 'challenge', 'group-activity', 'other')),
  status text not null default 'agreed' check (status in ('agreed', 'under-way', 'done', 'dropped')),
  -- A path on this site ("/trafford/help/challenges/…") or an https address.
  link text check (length(link) <= 500),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index neighbourhood_actions_assembly on neighbourhood_actions (assembly_id, created_at);

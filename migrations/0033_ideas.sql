-- Ideas (SPEC §3.5, seed 004): residents and groups post ideas for their area, others support,
-- comment and follow them, and ideas move from proposed through being developed and tested to
-- adopted or learned from. Wards and challenges belong to other modules, so they are held by
-- code and id rather than foreign keys into those modules' tables.

-- Open calls: a question the council (or a partner) asks residents to answer with ideas, such
-- as "How might we make our high street a place to linger?". Ideas may answer one.
create table idea_calls (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  question text not null check (length(question) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  -- A council challenge (mutual aid) this call belongs to, if any.
  challenge_id uuid,
  opens_on date not null,
  closes_on date,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (closes_on is null or closes_on >= opens_on)
);
create index idea_calls_place on idea_calls (place_id, opens_on desc);

create table ideas (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  -- The person who posted it; null once their account is deleted (the idea stays, unsigned).
  author_id uuid references users (id) on delete set null,
  -- Posted on behalf of a community group (directory), shown instead of the person.
  group_id uuid,
  title text not null check (length(title) between 1 and 120),
  -- What the idea is and why it matters.
  summary text not null check (length(summary) between 1 and 4000),
  who_it_helps text not null default '' check (length(who_it_helps) <= 1000),
  -- A ward, or null with the area described in words ("the whole borough", "Moss Lane estate").
  ward_code text check (length(ward_code) between 1 and 20),
  area text not null default '' check (length(area) <= 120),
  theme text not null check (theme ~ '^[a-z]+(-[a-z]+)*$'),
  challenge_id uuid,
  call_id uuid references idea_calls (id) on delete set null,
  stage text not null default 'proposed'
    check (stage in ('proposed', 'developing', 'testing', 'adopted', 'learned')),
  -- Mirrors the platform moderation item (platform/moderation): only 'published' is public.
  moderation_status text not null default 'pending'
    check (moderation_status in ('pending', 'published', 'hidden')),
  -- Folded (lower-case, no accents) title and summary, for similar-idea suggestions by trigram.
  fuzzy_text text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Moved on every support, comment, team change and stage update: "most active" sorts by it.
  last_activity_at timestamptz not null default now()
);
create index ideas_place on ideas (place_id, moderation_status, created_at desc);
create index ideas_fuzzy on ideas using gin (fuzzy_text gin_trgm_ops);

-- Photos: re-encoded WebP in the file store (platform/files), metadata stripped, with alt text.
create table idea_images (
  id uuid primary key default gen_random_uuid(),
  idea_id uuid not null references ideas (id) on delete cascade,
  file_key text not null check (file_key ~ '^ideas/[0-9a-f-]{36}\.webp$'),
  alt text not null check (length(alt) between 1 and 300),
  position integer not null default 0,
  created_at timestamptz not null default now()
);
create index idea_images_idea on idea_images (idea_id, position);

-- One support per person per idea.
create table idea_supports (
  idea_id uuid not null references ideas (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (idea_id, user_id)
);

-- Comments with threaded replies (a reply's parent is another comment on the same idea).
create table idea_comments (
  id uuid primary key default gen_random_uuid(),
  idea_id uuid not null references ideas (id) on delete cascade,
  parent_id uuid references idea_comments (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  body text not null check (length(body) between 1 and 2000),
  moderation_status text not null default 'pending'
    check (moderation_status in ('pending', 'published', 'hidden')),
  created_at timestamptz not null default now()
);
create index idea_comments_idea on idea_comments (idea_id, created_at);

-- Followers get an email with each stage change and update.
create table idea_follows (
  idea_id uuid not null references ideas (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (idea_id, user_id)
);

-- An idea's team, formed when it is being developed: people join with a role in their own
-- words ("I can run the stall", "design the leaflet"). The team's leads (the author first) may
-- move the idea on through its stages; skills requests are sent on behalf of a team.
create table idea_team_members (
  idea_id uuid not null references ideas (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  is_lead boolean not null default false,
  role text not null check (length(role) between 1 and 120),
  joined_at timestamptz not null default now(),
  primary key (idea_id, user_id)
);
create index idea_team_members_user on idea_team_members (user_id);

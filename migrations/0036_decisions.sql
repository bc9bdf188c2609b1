-- Decisions (SPEC §3.8, seed 001 §3, seed 003): the council's decision log. Each decision
-- shows the question, the options considered with their trade-offs, the constraints, the
-- evidence, who decides and when, what residents said, the decision and its reasons, "you
-- said, we did", and later a review of how it turned out. Wards belong to the wards module and
-- groups to the directory, so they are held by code and id rather than foreign keys.
create table decisions (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  background text not null default '' check (length(background) <= 8000),
  kind text not null default 'ordinary' check (kind in ('ordinary', 'strategic-review', 'budget-allocation')),
  -- draft is for officers only; the rest are public.
  status text not null default 'draft' check (status in ('draft', 'upcoming', 'open', 'made', 'reviewed')),
  decider_kind text not null check (decider_kind in ('cabinet', 'committee', 'officer', 'full-council')),
  -- The committee's name or the officer's role title (required for those two kinds).
  decider_name text not null default '' check (length(decider_name) <= 120),
  due_on date,
  input_closes_on date,
  -- A ward, or null for the whole place.
  ward_code text check (length(ward_code) between 1 and 20),
  co_produced boolean not null default false,
  -- The decision: one of its options, and/or words, with the reasons.
  chosen_option_id uuid,
  decision_text text not null default '' check (length(decision_text) <= 4000),
  reasons text not null default '' check (length(reasons) <= 8000),
  decided_on date,
  review text not null default '' check (length(review) <= 8000),
  reviewed_on date,
  -- Set the first time it opens for input: "you said, we did" is then needed before it is made.
  opened_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index decisions_place on decisions (place_id, status, created_at desc);

create table decision_options (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  position integer not null default 0,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  -- Estimated cost in whole pence, when known.
  cost_pence bigint check (cost_pence between 0 and 100000000000000),
  pros text not null default '' check (length(pros) <= 4000),
  cons text not null default '' check (length(cons) <= 4000)
);
create index decision_options_decision on decision_options (decision_id, position);
alter table decisions add constraint decisions_chosen_option
  foreign key (chosen_option_id) references decision_options (id) on delete set null;

create table decision_constraints (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  kind text not null check (kind in ('money', 'law', 'time', 'capacity', 'other')),
  body text not null check (length(body) between 1 and 2000),
  created_at timestamptz not null default now()
);
create index decision_constraints_decision on decision_constraints (decision_id, created_at);

-- Evidence documents: a title and either an https address or an uploaded PDF (in the file
-- store, checked by its contents) with the name it is offered under.
create table decision_evidence (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  url text check (url ~ '^https://' and length(url) <= 2000),
  stored_name text check (stored_name ~ '^decisions/[0-9a-f-]{36}\.pdf$'),
  file_name text check (length(file_name) between 1 and 200),
  size_bytes integer check (size_bytes > 0),
  created_at timestamptz not null default now(),
  check ((url is null) <> (stored_name is null)),
  check ((stored_name is null) = (file_name is null) and (stored_name is null) = (size_bytes is null))
);
create index decision_evidence_decision on decision_evidence (decision_id, created_at);

-- What residents said: links to consultations, assemblies, petitions on this site or elsewhere.
create table decision_links (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  kind text not null check (kind in ('consultation', 'assembly', 'petition', 'other')),
  title text not null check (length(title) between 1 and 200),
  url text not null check ((url ~ '^https://' or url ~ '^/[^/\\]') and length(url) <= 2000),
  created_at timestamptz not null default now()
);
create index decision_links_decision on decision_links (decision_id, created_at);

-- Named community partners of a co-produced decision, optionally a directory group.
create table decision_partners (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  group_id uuid,
  created_at timestamptz not null default now()
);
create index decision_partners_decision on decision_partners (decision_id, created_at);

-- "You said, we did": what residents said and what the council did about it.
create table decision_responses (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  you_said text not null check (length(you_said) between 1 and 2000),
  we_did text not null check (length(we_did) between 1 and 2000),
  created_at timestamptz not null default now()
);
create index decision_responses_decision on decision_responses (decision_id, created_at);

-- The timeline: each move of status, when.
create table decision_status_changes (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  from_status text,
  to_status text not null,
  created_at timestamptz not null default now()
);
create index decision_status_changes_decision on decision_status_changes (decision_id, created_at);

create table decision_follows (
  decision_id uuid not null references decisions (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (decision_id, user_id)
);

create table decision_comments (
  id uuid primary key default gen_random_uuid(),
  decision_id uuid not null references decisions (id) on delete cascade,
  -- Null once the account is deleted: the comment stays, unsigned.
  author_id uuid references users (id) on delete set null,
  body text not null check (length(body) between 1 and 2000),
  -- Mirrors the platform moderation item: only 'published' is public.
  moderation_status text not null default 'pending'
    check (moderation_status in ('pending', 'published', 'hidden')),
  created_at timestamptz not null default now()
);
create index decision_comments_decision on decision_comments (decision_id, created_at);
create index decision_comments_author on decision_comments (author_id);

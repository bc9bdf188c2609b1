-- Citizens' assemblies, during and after (SPEC §3.7): the evidence members hear at each session,
-- the recommendations they write and support, and the council's public response to each, with
-- delivery updates afterwards. The assembly, its sessions and members are in 0028.

-- Documents given to members at a session (PDF only), published with the session.
create table assembly_session_documents (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references assembly_sessions (id) on delete cascade,
  -- Its address within the session: /sessions/{position}/documents/{number}.
  number integer not null check (number >= 1),
  title text not null check (length(title) between 1 and 200),
  -- Kith's own name under the files folder (platform/files/file-store.ts); served only through
  -- the session's download route.
  stored_name text not null check (stored_name ~ '^assembly-documents/[a-z0-9-]{1,80}\.pdf$'),
  -- The uploader's file name, made safe (lib/file-kind), offered when it is downloaded.
  file_name text not null check (length(file_name) between 1 and 120),
  content_type text not null check (content_type = 'application/pdf'),
  size_bytes integer not null check (size_bytes between 1 and 20971520),
  uploaded_by uuid references users (id) on delete set null,
  uploaded_at timestamptz not null default now(),
  unique (session_id, number)
);

-- Speakers who gave evidence at a session: experts, council staff, people with lived experience.
create table assembly_session_speakers (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references assembly_sessions (id) on delete cascade,
  position integer not null check (position >= 1),
  name text not null check (length(name) between 1 and 120),
  -- Their role and organisation, e.g. "Professor of climate science, University of Manchester".
  role text not null default '' check (length(role) <= 200),
  topic text not null check (length(topic) between 1 and 300),
  link text check (link ~ '^https?://' and length(link) <= 500),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (session_id, position)
);

-- What the assembly recommends. Drafts are for members and officers only; once published,
-- the members' support counts are frozen with it and it is public for good.
create table assembly_recommendations (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  number integer not null check (number >= 1),
  title text not null check (length(title) between 1 and 200),
  body text not null check (length(body) between 1 and 10000),
  status text not null default 'draft' check (status in ('draft', 'published')),
  -- Counted when it was published: "31 of 40 members supported".
  members_count integer check (members_count >= 0),
  support_count integer check (support_count >= 0),
  oppose_count integer check (oppose_count >= 0),
  abstain_count integer check (abstain_count >= 0),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  unique (assembly_id, number),
  check ((status = 'draft') = (published_at is null)),
  check (status = 'draft' or (members_count is not null and support_count is not null
    and oppose_count is not null and abstain_count is not null))
);
create index assembly_recommendations_assembly on assembly_recommendations (assembly_id, status);

-- A serving member's support for a draft recommendation: one each, changeable until it is
-- published. Never published one by one: only the counts are.
create table assembly_recommendation_votes (
  recommendation_id uuid not null references assembly_recommendations (id) on delete cascade,
  respondent_id uuid not null references assembly_respondents (id) on delete cascade,
  choice text not null check (choice in ('support', 'oppose', 'abstain')),
  voted_at timestamptz not null default now(),
  primary key (recommendation_id, respondent_id)
);

-- The council's answer to a published recommendation, with its reasons. Changes are audited.
create table assembly_recommendation_responses (
  recommendation_id uuid primary key references assembly_recommendations (id) on delete cascade,
  outcome text not null check (outcome in ('accepted', 'partly-accepted', 'not-accepted')),
  reasons text not null check (length(reasons) between 1 and 10000),
  -- The decision record, once the decision log exists (or any public page of the decision).
  decision_url text check (decision_url ~ '^https?://' and length(decision_url) <= 500),
  responded_by uuid references users (id) on delete set null,
  responded_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- How delivering an accepted recommendation is going, kept as a timeline.
create table assembly_recommendation_updates (
  id uuid primary key default gen_random_uuid(),
  recommendation_id uuid not null references assembly_recommendations (id) on delete cascade,
  status text not null check (status in ('on-track', 'delayed', 'done')),
  body text not null check (length(body) between 1 and 4000),
  -- The date the update is about (as the officer gives it), shown in the timeline.
  update_date date not null,
  posted_by uuid references users (id) on delete set null,
  posted_at timestamptz not null default now()
);
create index assembly_recommendation_updates_recommendation on assembly_recommendation_updates (recommendation_id, update_date desc);

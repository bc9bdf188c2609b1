-- Care circles (SPEC §3.2): a few neighbours around one person who wants them, with a shared
-- rota and notes the person controls. Everything here is private to the circle's members.

create table aid_circles (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  name text not null check (length(name) between 1 and 80),
  -- The person the circle is for, when they have an account and set it up themselves.
  person_id uuid references users (id) on delete set null,
  -- What the person likes to be called, when a connector set the circle up for them.
  person_name text not null default '' check (length(person_name) <= 80),
  created_by uuid references users (id) on delete set null,
  -- Set when a connector set the circle up on the person's behalf, with the consent they recorded.
  consent_id uuid references aid_consents (id) on delete set null,
  helpers_may_add_notes boolean not null default true,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  check ((status = 'closed') = (closed_at is not null))
);
create index aid_circles_place on aid_circles (place_id, status);

-- Who is in a circle now. Someone who leaves or is removed is deleted, not marked: the circle
-- keeps no record of past helpers (the audit log keeps who changed what).
create table aid_circle_members (
  circle_id uuid not null references aid_circles (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  -- owner: the person; connector: acts for the person, with their consent; helper: a neighbour.
  role text not null check (role in ('owner', 'helper', 'connector')),
  joined_at timestamptz not null default now(),
  primary key (circle_id, user_id)
);
create index aid_circle_members_user on aid_circle_members (user_id);

-- An invitation by email; only the token's hash is stored, and it works once, until it expires.
create table aid_circle_invitations (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references aid_circles (id) on delete cascade,
  email citext not null check (length(email) <= 254),
  token_hash text not null unique,
  invited_by uuid references users (id) on delete set null,
  -- Set when a connector hands the circle to the person it is for: they join as its owner.
  as_person boolean not null default false,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references users (id) on delete set null
);
create index aid_circle_invitations_circle on aid_circle_invitations (circle_id);
create index aid_circle_invitations_inviter on aid_circle_invitations (invited_by, created_at);

-- The shared rota: a task at a time, which one helper may take.
create table aid_circle_rota (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references aid_circles (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  task text not null check (length(task) between 1 and 200),
  volunteer_id uuid references users (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index aid_circle_rota_circle on aid_circle_rota (circle_id, starts_at);

create table aid_circle_notes (
  id uuid primary key default gen_random_uuid(),
  circle_id uuid not null references aid_circles (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  body text not null check (length(body) between 1 and 1000),
  created_at timestamptz not null default now()
);
create index aid_circle_notes_circle on aid_circle_notes (circle_id, created_at);

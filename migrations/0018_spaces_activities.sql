-- Activities run in spaces (SPEC §3.3) and their dated sessions: the public calendar, the
-- iCalendar feeds and the OpenActive RPDE feeds all read these two tables.

-- One counter for every change to an activity or a session. RPDE's "modified" must only grow,
-- so each write takes the next value (and the writer holds a lock while it commits, see
-- activity-service.ts, so a feed reader never skips a number committed late).
create sequence activity_changes;

create table activities (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  space_id uuid not null references spaces (id) on delete cascade,
  -- The directory group that runs it, if a group does (the directory's id; no foreign key
  -- across modules).
  group_id uuid,
  title text not null check (length(title) between 1 and 120),
  description text not null default '' check (length(description) <= 2000),
  category text not null check (category in ('arts', 'games', 'film', 'exercise', 'learning', 'social', 'children', 'food', 'other')),
  age_min smallint check (age_min between 0 and 120),
  age_max smallint check (age_max between 0 and 120 and (age_min is null or age_max >= age_min)),
  -- 0 is free; otherwise the price of one session, in pence.
  cost_pence integer not null default 0 check (cost_pence between 0 and 100000),
  accessibility text[] not null default '{}',
  -- The rule its sessions were made from (RFC 5545), kept for people and feeds; null for one-off.
  rrule text check (length(rrule) <= 500),
  status text not null default 'active' check (status in ('active', 'withdrawn')),
  modified bigint not null default nextval('activity_changes'),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index activities_place on activities (place_id, status);
create index activities_place_modified on activities (place_id, modified, id);

create table activity_sessions (
  id uuid primary key default gen_random_uuid(),
  activity_id uuid not null references activities (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  cancelled boolean not null default false,
  -- The space booking that holds the room, when there is one (bookings belong to the spaces part).
  booking_id uuid references space_bookings (id) on delete set null,
  modified bigint not null default nextval('activity_changes'),
  unique (activity_id, starts_at)
);
create index activity_sessions_time on activity_sessions (starts_at);
create index activity_sessions_modified on activity_sessions (modified, id);

-- Ideas, developed and tested (SPEC §3.5, seed 004): each stage change and each note from an
-- idea's team is an update its followers receive; a trial records how the idea is tested (a
-- space booking and/or a micro-grant); an outcome records what happened at the end; and an idea
-- can be put forward to a participatory budget as a proposal. Bookings and proposals belong to
-- other modules (spaces, budgeting), so they are held by id rather than foreign keys.

-- The timeline: a stage change ('stage', with from and to) or a plain note from a lead ('note').
create table idea_updates (
  id uuid primary key default gen_random_uuid(),
  idea_id uuid not null references ideas (id) on delete cascade,
  kind text not null check (kind in ('stage', 'note')),
  from_stage text check (from_stage in ('proposed', 'developing', 'testing', 'adopted', 'learned')),
  to_stage text check (to_stage in ('proposed', 'developing', 'testing', 'adopted', 'learned')),
  body text not null default '' check (length(body) <= 4000),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check ((kind = 'stage') = (to_stage is not null)),
  check (kind = 'stage' or length(body) >= 1)
);
create index idea_updates_idea on idea_updates (idea_id, created_at desc);

-- One trial per idea (an idea is tested once: stages only move forward). At least one of a
-- space booking (spaces module, by id) or a micro-grant (recorded here: there is no grants
-- module yet).
create table idea_trials (
  idea_id uuid primary key references ideas (id) on delete cascade,
  starts_on date not null,
  ends_on date not null,
  measure text not null check (length(measure) between 1 and 2000),
  booking_id uuid,
  -- Who made the booking: the spaces module shows a booking's status to its booker.
  booked_by uuid references users (id) on delete set null,
  grant_pence bigint check (grant_pence > 0),
  grant_from text check (length(grant_from) between 1 and 200),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (ends_on >= starts_on),
  check (booking_id is not null or grant_pence is not null),
  check ((grant_pence is null) = (grant_from is null))
);

-- What happened, recorded when an idea is adopted or learned from.
create table idea_outcomes (
  idea_id uuid primary key references ideas (id) on delete cascade,
  ending text not null check (ending in ('adopted', 'learned')),
  what_happened text not null check (length(what_happened) between 1 and 4000),
  evidence text not null default '' check (length(evidence) <= 4000),
  -- For an adopted idea: who carries it on (the council, a group, the team…).
  carried_on_by text not null default '' check (length(carried_on_by) <= 200),
  -- A photo of what happened: re-encoded WebP in the file store (its thumbnail beside it, named
  -- <uuid>-thumb.webp), metadata stripped, with alt text.
  photo_key text check (photo_key ~ '^ideas/[0-9a-f-]{36}\.webp$'),
  photo_alt text check (length(photo_alt) between 1 and 300),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check ((photo_key is null) = (photo_alt is null))
);

-- Ideas put forward to a participatory budget: the proposal made through the budgeting module.
create table idea_pb_proposals (
  idea_id uuid not null references ideas (id) on delete cascade,
  process_id uuid not null,
  proposal_id uuid not null,
  -- The proposal's number in its process, for its address (/budgets/<process>/proposals/<n>).
  proposal_number integer not null check (proposal_number >= 1),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (idea_id, process_id)
);

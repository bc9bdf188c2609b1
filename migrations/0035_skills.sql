-- Skills and talents (SPEC §3.5, seed 004): residents list what they can offer an idea team or a
-- community group, and teams ask them for help. Nobody's name or contact is public unless they
-- choose: a request is answered first, and only an accepted request shows each side the other.

-- One offer per person per place. Skills and languages are codes from a fixed list
-- (src/modules/ideas/skills/skill-taxonomy.ts), checked by the service.
create table skill_offers (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  skills text[] not null default '{}' check (cardinality(skills) <= 60),
  other_skills text not null default '' check (length(other_skills) <= 500),
  languages text[] not null default '{}' check (cardinality(languages) <= 40),
  other_languages text not null default '' check (length(other_languages) <= 200),
  -- Hours a month they can give.
  time_band text not null check (time_band in ('up-to-2', '2-to-5', '5-to-10', 'over-10')),
  how text not null check (how in ('online', 'in-person', 'both')),
  -- The ward they can help in (held by code: wards belong to another module).
  ward_code text not null check (length(ward_code) between 1 and 20),
  -- 'private': only people whose request they accept see who they are; 'public': their first
  -- name and their own words are shown on the skills page too. Never an email address.
  visibility text not null default 'private' check (visibility in ('private', 'public')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, user_id),
  check (cardinality(skills) > 0 or length(other_skills) > 0)
);
create index skill_offers_search on skill_offers (place_id, ward_code);
create index skill_offers_skills on skill_offers using gin (skills);

-- A request for help, sent on behalf of an idea's team or a community group (directory, held
-- by id) to one offer.
create table skill_requests (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  offer_id uuid not null references skill_offers (id) on delete cascade,
  from_user_id uuid not null references users (id) on delete cascade,
  idea_id uuid references ideas (id) on delete cascade,
  group_id uuid,
  message text not null check (length(message) between 1 and 1000),
  status text not null default 'pending' check (status in ('pending', 'accepted', 'declined', 'withdrawn')),
  created_at timestamptz not null default now(),
  responded_at timestamptz,
  check (num_nonnulls(idea_id, group_id) = 1),
  check ((status = 'pending') = (responded_at is null))
);
-- One request waiting for an answer per sender per offer.
create unique index skill_requests_one_pending on skill_requests (offer_id, from_user_id) where status = 'pending';
create index skill_requests_from on skill_requests (from_user_id, status);
create index skill_requests_offer on skill_requests (offer_id, created_at desc);

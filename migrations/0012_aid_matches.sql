-- Mutual aid matches (SPEC §3.2): the person in need (or a connector for them) asks a helper,
-- the helper accepts or declines, then each side sees the contact details the other chose to
-- share, they talk through the relay, and either side marks the help done.

create table aid_matches (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  need_id uuid not null references aid_posts (id) on delete cascade,
  offer_id uuid not null references aid_posts (id) on delete cascade,
  -- The person who chose the helper: the poster, or a connector or coordinator for them.
  proposed_by uuid references users (id) on delete set null,
  status text not null default 'proposed'
    check (status in ('proposed', 'accepted', 'declined', 'cancelled', 'expired', 'done')),
  -- What each side chose to show the other once the helper accepts; nothing by default.
  need_shares text[] not null default '{}'
    check (need_shares <@ array['name', 'address', 'phone', 'email']::text[]),
  offer_shares text[] not null default '{}'
    check (offer_shares <@ array['name', 'phone', 'email']::text[]),
  proposed_at timestamptz not null default now(),
  responded_at timestamptz,
  completed_at timestamptz,
  closed_at timestamptz,
  -- When the last reminder went, so that a job never nags twice for the same step.
  reminded_at timestamptz,
  closed_reason text check (length(closed_reason) <= 500)
);
-- A need has at most one live match: two helpers are never both told "you're on".
create unique index aid_matches_one_live_per_need on aid_matches (need_id)
  where status in ('proposed', 'accepted');
create index aid_matches_offer on aid_matches (offer_id, status);
create index aid_matches_place_status on aid_matches (place_id, status, proposed_at);

-- The conversation between the two sides, written on the site or by replying to a relay email.
create table aid_match_messages (
  id uuid primary key default gen_random_uuid(),
  match_id uuid not null references aid_matches (id) on delete cascade,
  sender_id uuid references users (id) on delete set null,
  side text not null check (side in ('need', 'offer')),
  body text not null check (length(body) between 1 and 4000),
  via text not null check (via in ('web', 'email')),
  created_at timestamptz not null default now()
);
create index aid_match_messages_match on aid_match_messages (match_id, created_at);

-- How it went, once per side; seen only by that match's sides and coordinators.
create table aid_match_feedback (
  match_id uuid not null references aid_matches (id) on delete cascade,
  side text not null check (side in ('need', 'offer')),
  outcome text not null check (outcome in ('went-well', 'some-problems', 'did-not-happen')),
  comment text not null default '' check (length(comment) <= 1000),
  created_at timestamptz not null default now(),
  primary key (match_id, side)
);

-- A counter per place that moves whenever any offer is added, changed or removed, whoever
-- writes it: suggestions keep the place's open offers in memory and re-read them only when the
-- counter has moved (posts/offer-cache.ts).
create table aid_offer_versions (
  place_id uuid primary key references places (id) on delete cascade,
  version bigint not null default 0
);
create function aid_bump_offer_version() returns trigger language plpgsql as $$
begin
  if (tg_op = 'DELETE' and old.kind = 'offer') or (tg_op <> 'DELETE' and new.kind = 'offer') then
    insert into aid_offer_versions (place_id, version)
      values (case when tg_op = 'DELETE' then old.place_id else new.place_id end, 1)
      on conflict (place_id) do update set version = aid_offer_versions.version + 1;
  end if;
  return null;
end
$$;
create trigger aid_posts_offer_version after insert or update or delete on aid_posts
  for each row execute function aid_bump_offer_version();

-- Relay emails carry a Reply-To address that brings the answer back into the conversation.
alter table outbox add column reply_to text check (length(reply_to) <= 254);

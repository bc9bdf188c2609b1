-- Mutual aid (SPEC §3.2): needs and offers between neighbours. What is public is the ward and
-- an approximate point; the exact address and contact details are private to the poster until
-- both sides accept a match.

-- Consent a connector records when posting for someone else: what for, who will see what, when.
create table aid_consents (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  recorded_by uuid references users (id) on delete set null,
  how_given text not null check (how_given in ('in-person', 'phone', 'written')),
  purpose text not null check (length(purpose) between 1 and 500),
  recipients text not null check (length(recipients) between 1 and 300),
  given_at timestamptz not null default now(),
  withdrawn_at timestamptz
);

create table aid_posts (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  kind text not null check (kind in ('need', 'offer')),
  author_id uuid references users (id) on delete set null,
  -- Set when a connector posts for someone else, with the consent they recorded.
  consent_id uuid references aid_consents (id) on delete set null,
  categories text[] not null check (cardinality(categories) between 1 and 11),
  title text not null check (length(title) between 1 and 120),
  details text not null default '' check (length(details) <= 2000),
  ward_code text not null,
  -- A point rounded to about 500 m, safe to show; the exact one is never stored.
  approx_lon double precision check (approx_lon between -180 and 180),
  approx_lat double precision check (approx_lat between -90 and 90),
  -- Private until a match is accepted by both sides.
  private_address text not null default '' check (length(private_address) <= 300),
  private_name text not null default '' check (length(private_name) <= 120),
  private_phone text not null default '' check (length(private_phone) <= 40),
  private_email citext check (length(private_email) <= 254),
  window_from timestamptz,
  window_to timestamptz check (window_to is null or window_from is null or window_to > window_from),
  availability jsonb not null default '[]',
  max_distance_metres integer check (max_distance_metres between 100 and 50000),
  expires_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'matched', 'done', 'withdrawn', 'expired')),
  moderation_status text not null default 'pending' check (moderation_status in ('pending', 'published', 'hidden')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index aid_posts_open on aid_posts (place_id, kind, status, expires_at);
create index aid_posts_author on aid_posts (author_id);

-- Spaces (SPEC §3.3): libraries, halls, parks and shop-fronts as places for relationships, and
-- their bookings. Double booking is impossible by construction: an exclusion constraint on the
-- space and the booked time range, in the database, whatever the application does.

create table spaces (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
  name text not null check (length(name) between 1 and 120),
  description text not null default '' check (length(description) <= 2000),
  kind text not null check (kind in ('library', 'community-centre', 'hall', 'park', 'pitch', 'room', 'shop-front', 'other')),
  owner_type text not null check (owner_type in ('council', 'community', 'private')),
  -- The directory group that runs it, when a community group does (the directory's id; no
  -- foreign key across modules).
  owner_group_id uuid,
  capacity integer check (capacity between 1 and 100000),
  accessibility text[] not null default '{}',
  facilities text[] not null default '{}',
  address text not null default '' check (length(address) <= 300),
  postcode text check (length(postcode) <= 10),
  ward_code text,
  lon double precision check (lon between -180 and 180),
  lat double precision check (lat between -90 and 90),
  -- Bookings wait for the space's manager when true; confirmed at once when false.
  requires_approval boolean not null default false,
  status text not null default 'active' check (status in ('active', 'closed')),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, slug)
);
create index spaces_place on spaces (place_id, status);

-- Regular opening hours, in the place's own clock (Europe/London): several spans a day allowed.
create table space_opening_hours (
  space_id uuid not null references spaces (id) on delete cascade,
  -- ISO weekday: 1 Monday … 7 Sunday.
  weekday smallint not null check (weekday between 1 and 7),
  opens time not null,
  closes time not null check (closes > opens),
  primary key (space_id, weekday, opens)
);

-- Days that differ: bank holidays, closures, late openings.
create table space_opening_exceptions (
  space_id uuid not null references spaces (id) on delete cascade,
  on_date date not null,
  -- Null opens/closes means closed all day.
  opens time,
  closes time check (closes is null or opens is null or closes > opens),
  reason text not null default '' check (length(reason) <= 200),
  primary key (space_id, on_date)
);

-- Price per hour in pence by kind of hirer; community groups default to free.
create table space_prices (
  space_id uuid not null references spaces (id) on delete cascade,
  hirer_type text not null check (hirer_type in ('community-group', 'resident', 'charity', 'commercial')),
  pence_per_hour integer not null default 0 check (pence_per_hour >= 0),
  concession_pence_per_hour integer check (concession_pence_per_hour >= 0),
  primary key (space_id, hirer_type)
);

create table space_photos (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  -- Stored under the data directory; the name is Kith's, never the uploader's.
  file_name text not null,
  alt_text text not null check (length(alt_text) between 1 and 250),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  position smallint not null default 0,
  created_at timestamptz not null default now()
);

-- A recurring booking: an RFC 5545 rule whose occurrences are each a row in space_bookings.
create table space_booking_series (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  rrule text not null check (length(rrule) <= 500),
  -- The first occurrence's start and its length; occurrences keep the local wall-clock time.
  first_start timestamptz not null,
  duration_minutes integer not null check (duration_minutes between 15 and 1440),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);

create table space_bookings (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  space_id uuid not null references spaces (id) on delete cascade,
  series_id uuid references space_booking_series (id) on delete cascade,
  booked_by uuid references users (id) on delete set null,
  -- The directory group booking, when it is a group (counted in "distinct groups using it").
  group_id uuid,
  hirer_type text not null check (hirer_type in ('community-group', 'resident', 'charity', 'commercial')),
  title text not null check (length(title) between 1 and 120),
  -- Half-open [start, end): a booking ending at 11:00 and one starting at 11:00 do not overlap.
  during tstzrange not null check (not isempty(during) and lower_inc(during) and not upper_inc(during)),
  status text not null default 'confirmed' check (status in ('pending', 'confirmed', 'declined', 'cancelled')),
  price_pence integer not null default 0 check (price_pence >= 0),
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text check (length(cancel_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- No double booking: two live bookings of one space never overlap in time.
  constraint space_bookings_no_overlap exclude using gist (space_id with =, during with &&)
    where (status in ('pending', 'confirmed'))
);
create index space_bookings_space_time on space_bookings using gist (space_id, during);
create index space_bookings_place_status on space_bookings (place_id, status);
create index space_bookings_series on space_bookings (series_id);

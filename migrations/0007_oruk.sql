-- Services in Open Referral UK 3.0 (HSDS 3.0 with the UK profile), SPEC §3.1.
--
-- Each table keeps as columns what Kith queries and filters on, and the rest of the HSDS
-- object in `data`, so that importing a feed and exporting it again loses nothing.
-- Keys are (place_id, id): two places may import the same feed, with the same ids.

create table oruk_organizations (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  name text not null check (length(name) >= 1),
  data jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (place_id, id)
);
create index oruk_organizations_name on oruk_organizations (place_id, lower(name));

create table oruk_services (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  organization_id uuid,
  name text not null check (length(name) >= 1),
  description text not null default '',
  status text not null default 'active'
    check (status in ('active', 'inactive', 'defunct', 'temporarily closed')),
  minimum_age numeric check (minimum_age >= 0),
  maximum_age numeric check (maximum_age >= 0),
  -- Where the record came from: 'kith' for services entered here, else the feed's address
  -- or file name, and the feed's own id when it was not a UUID (ours is then derived from it).
  source text not null default 'kith' check (length(source) between 1 and 500),
  source_id text,
  -- ORUK assured_date: when someone last checked the record (staleness is judged from it).
  last_confirmed_at timestamptz not null default now(),
  -- ORUK last_modified: when the service or anything about it last changed.
  last_modified timestamptz not null default now(),
  data jsonb not null default '{}',
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (place_id, id),
  foreign key (place_id, organization_id) references oruk_organizations (place_id, id)
);
create index oruk_services_name on oruk_services (place_id, lower(name), id);
create index oruk_services_organization on oruk_services (place_id, organization_id);
create index oruk_services_confirmed on oruk_services (place_id, last_confirmed_at);
create unique index oruk_services_source_id on oruk_services (place_id, source, source_id)
  where source_id is not null;

create table oruk_locations (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  name text,
  location_type text not null default 'physical' check (location_type in ('physical', 'postal', 'virtual')),
  postcode text,
  lon double precision check (lon between -180 and 180),
  lat double precision check (lat between -90 and 90),
  ward_code text,
  data jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (place_id, id),
  check ((lon is null) = (lat is null))
);
create index oruk_locations_ward on oruk_locations (place_id, ward_code);

create table oruk_service_at_locations (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  service_id uuid not null,
  location_id uuid not null,
  position integer not null default 0,
  data jsonb not null default '{}',
  primary key (place_id, id),
  foreign key (place_id, service_id) references oruk_services (place_id, id) on delete cascade,
  foreign key (place_id, location_id) references oruk_locations (place_id, id) on delete cascade
);
create index oruk_service_at_locations_service on oruk_service_at_locations (place_id, service_id, position);
create index oruk_service_at_locations_location on oruk_service_at_locations (place_id, location_id);

-- When a service runs (iCal-style: freq, byday, opens_at/closes_at); `days` is byday reduced
-- to plain weekday codes (MO..SU) for the day filter.
create table oruk_schedules (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  service_id uuid not null,
  service_at_location_id uuid,
  position integer not null default 0,
  days text[] not null default '{}',
  opens_at text,
  closes_at text,
  data jsonb not null default '{}',
  primary key (place_id, id),
  foreign key (place_id, service_id) references oruk_services (place_id, id) on delete cascade
);
create index oruk_schedules_service on oruk_schedules (place_id, service_id, position);

-- A service's contacts; their phone numbers are kept in `data` (HSDS contact.phones).
create table oruk_contacts (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  service_id uuid not null,
  position integer not null default 0,
  name text,
  data jsonb not null default '{}',
  primary key (place_id, id),
  foreign key (place_id, service_id) references oruk_services (place_id, id) on delete cascade
);
create index oruk_contacts_service on oruk_contacts (place_id, service_id, position);

-- Taxonomies and terms from imported feeds. The place's own taxonomy ("Kith directory
-- categories") is not stored: it is built from the category list, so it is never missing.
create table oruk_taxonomies (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  name text not null,
  description text not null default '',
  data jsonb not null default '{}',
  primary key (place_id, id)
);

create table oruk_taxonomy_terms (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  taxonomy_id uuid,
  parent_id uuid,
  name text not null,
  description text not null default '',
  data jsonb not null default '{}',
  primary key (place_id, id)
);
create index oruk_taxonomy_terms_taxonomy on oruk_taxonomy_terms (place_id, taxonomy_id, lower(name));

-- Links between a service and taxonomy terms (HSDS attribute with link_entity = service).
create table oruk_attributes (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null,
  service_id uuid not null,
  taxonomy_term_id uuid not null,
  position integer not null default 0,
  data jsonb not null default '{}',
  primary key (place_id, id),
  foreign key (place_id, service_id) references oruk_services (place_id, id) on delete cascade
);
create index oruk_attributes_service on oruk_attributes (place_id, service_id, position);
create index oruk_attributes_term on oruk_attributes (place_id, taxonomy_term_id);

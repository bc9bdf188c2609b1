-- Extensions Kith relies on, on PGlite and PostgreSQL alike.
create extension if not exists pg_trgm;
create extension if not exists btree_gist;
create extension if not exists citext;
create extension if not exists unaccent;

-- A place is the tenant: every other row belongs to exactly one place.
create table places (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  name text not null check (length(name) between 1 and 120),
  council_name text not null default '',
  nation text not null default 'england' check (nation in ('england', 'wales', 'scotland', 'northern-ireland')),
  brand_colour text not null default '#1d4f91' check (brand_colour ~ '^#[0-9a-f]{6}$'),
  logo_svg text,
  tagline text not null default '',
  contact_email text not null default '',
  languages text[] not null default '{en}',
  hostnames text[] not null default '{}',
  modules text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table wards (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  code text not null,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text not null,
  -- Full-resolution boundary for placing points; a generalised one for drawing maps.
  boundary jsonb not null,
  display_boundary jsonb not null,
  centroid_lon double precision,
  centroid_lat double precision,
  population integer check (population >= 0),
  population_source text,
  unique (place_id, code),
  unique (place_id, slug)
);

-- Messages sent through a place's public contact form.
create table contact_messages (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  reference text not null unique,
  name text not null default '',
  email text not null default '',
  subject text not null,
  message text not null,
  created_at timestamptz not null default now()
);
create index contact_messages_place_created on contact_messages (place_id, created_at desc);

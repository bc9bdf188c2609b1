-- Service standards (SPEC §3.8): what residents can expect from each council service, and each
-- month's performance against it, shown honestly with the misses and what is being done.
--
-- Every value and target is an integer number of hundredths of its unit: 97.25% is 9725,
-- 1.5 days is 150 (src/lib/standards/performance.ts). Never a float.

create table council_services (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  name text not null check (length(name) between 1 and 120),
  description text not null default '' check (length(description) <= 1000),
  contact_url text not null default '' check (length(contact_url) <= 500),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, slug)
);

create table service_standards (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  service_id uuid not null references council_services (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  -- The promise in plain words, and exactly what is measured.
  promise text not null check (length(promise) between 1 and 200),
  measure text not null check (length(measure) between 1 and 300),
  unit text not null check (unit in ('percent', 'count', 'days', 'hours')),
  target bigint not null check (target >= 0),
  direction text not null check (direction in ('higher-is-better', 'lower-is-better')),
  -- The first month the standard applies to (YYYY-MM, London).
  since_month text not null check (since_month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (service_id, slug),
  check (unit <> 'percent' or target <= 10000)
);
create index service_standards_place on service_standards (place_id, service_id, position);

-- One figure per standard per month. When it came from a numerator and denominator, the value
-- is worked out from them (rounded to the nearest hundredth, halves up) and both are kept.
create table standard_figures (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  standard_id uuid not null references service_standards (id) on delete cascade,
  month text not null check (month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  value bigint not null check (value >= 0),
  numerator bigint check (numerator >= 0),
  denominator bigint check (denominator > 0),
  note text not null default '' check (length(note) <= 1000),
  -- What is being done about it: the service insists on it when the month missed its target.
  action text not null default '' check (length(action) <= 2000),
  source text not null check (source in ('form', 'csv')),
  entered_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (standard_id, month),
  check ((numerator is null) = (denominator is null))
);
create index standard_figures_month on standard_figures (place_id, month);

-- Each earlier version of a figure, kept when it is changed, so a changed figure or a rewritten
-- "what we are doing about it" can be seen for what it was.
create table standard_figure_versions (
  id uuid primary key default gen_random_uuid(),
  figure_id uuid not null references standard_figures (id) on delete cascade,
  value bigint not null,
  numerator bigint,
  denominator bigint,
  note text not null,
  action text not null,
  source text not null,
  entered_by uuid references users (id) on delete set null,
  valid_from timestamptz not null,
  replaced_at timestamptz not null default now()
);
create index standard_figure_versions_figure on standard_figure_versions (figure_id, replaced_at);

-- A CSV of monthly figures, checked and kept for the preview; nothing is written to the
-- figures until an officer confirms it.
create table standard_imports (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  created_by uuid references users (id) on delete set null,
  filename text not null default '',
  rows jsonb not null,
  created_at timestamptz not null default now(),
  imported_at timestamptz
);

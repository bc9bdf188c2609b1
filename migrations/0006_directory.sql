-- Directory (SPEC §3.1): community groups, their members, and one search index for every module.

-- English stemming after accents are folded, so "cafe" finds "Caffi Café" and "Dŵr" finds "Dwr".
create text search configuration kith_search (copy = english);
alter text search configuration kith_search
  alter mapping for hword, hword_part, word with unaccent, english_stem;

create table directory_groups (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
  name text not null check (length(name) between 1 and 120),
  summary text not null check (length(summary) between 1 and 300),
  description text not null default '' check (length(description) <= 5000),
  who_for text not null default '' check (length(who_for) <= 500),
  where_when text not null default '' check (length(where_when) <= 500),
  category text not null,
  tags text[] not null default '{}',
  languages text[] not null default '{}',
  accessibility text not null default '' check (length(accessibility) <= 1000),
  step_free boolean not null default false,
  age_min integer check (age_min between 0 and 120),
  age_max integer check (age_max between 0 and 120 and (age_min is null or age_max >= age_min)),
  cost text not null default 'free' check (cost in ('free', 'donation', 'paid')),
  meeting_days text[] not null default '{}',
  meeting_times text[] not null default '{}',
  address text not null default '' check (length(address) <= 300),
  postcode text check (length(postcode) <= 10),
  lon double precision check (lon between -180 and 180),
  lat double precision check (lat between -90 and 90),
  ward_code text,
  contact_name text not null default '' check (length(contact_name) <= 120),
  contact_email citext check (length(contact_email) <= 254),
  contact_phone text check (length(contact_phone) <= 40),
  -- Who may see the contact details: anyone, signed-in residents, or nobody (messages via Kith).
  contact_visibility text not null default 'public' check (contact_visibility in ('public', 'signed-in', 'hidden')),
  website text check (length(website) <= 500),
  social_links text[] not null default '{}',
  looking_for_volunteers boolean not null default false,
  volunteer_details text not null default '' check (length(volunteer_details) <= 1000),
  status text not null default 'active' check (status in ('active', 'paused', 'closed')),
  is_hub boolean not null default false,
  -- Mirrors the platform's moderation decision, so lists can filter on it in one query.
  moderation_status text not null default 'pending' check (moderation_status in ('pending', 'published', 'hidden')),
  -- Confirmation: organisers confirm yearly; unanswered requests mark the record possibly stale.
  last_confirmed_at timestamptz not null default now(),
  confirm_requested_at timestamptz,
  may_be_out_of_date boolean not null default false,
  -- Where the record came from (kith, csv import, another directory) so duplicates can be judged.
  source text not null default 'kith' check (length(source) <= 200),
  source_id text,
  merged_into uuid references directory_groups (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (place_id, slug)
);
create index directory_groups_place on directory_groups (place_id, status, name);
create index directory_groups_ward on directory_groups (place_id, ward_code);
create index directory_groups_confirm on directory_groups (last_confirmed_at) where status <> 'closed';

create table directory_group_members (
  place_id uuid not null references places (id) on delete cascade,
  group_id uuid not null references directory_groups (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('organiser', 'member')),
  joined_at timestamptz not null default now(),
  primary key (group_id, user_id)
);
create index directory_group_members_user on directory_group_members (user_id);

-- One row per searchable thing from any module (groups, services, hubs, activities), kept
-- current by the module that owns it, in the same transaction as the change.
create table search_documents (
  place_id uuid not null references places (id) on delete cascade,
  kind text not null check (kind in ('group', 'service', 'hub', 'activity')),
  ref_id text not null,
  title text not null,
  summary text not null default '',
  url text not null,
  ward_code text,
  lon double precision,
  lat double precision,
  categories text[] not null default '{}',
  languages text[] not null default '{}',
  days text[] not null default '{}',
  times text[] not null default '{}',
  age_min integer,
  age_max integer,
  free boolean,
  accessible boolean,
  visible boolean not null default true,
  document tsvector not null,
  -- Folded (unaccented, lower-case) title and tags, for typo-tolerant trigram matching.
  fuzzy_text text not null,
  updated_at timestamptz not null default now(),
  primary key (place_id, kind, ref_id)
);
create index search_documents_document on search_documents using gin (document);
create index search_documents_fuzzy on search_documents using gin (fuzzy_text gin_trgm_ops);
create index search_documents_ward on search_documents (place_id, ward_code);

-- A community hub (SPEC §3.1, seed 001 §8): partners and the services they deliver from it.
create table directory_hub_partners (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  hub_group_id uuid not null references directory_groups (id) on delete cascade,
  partner_name text not null check (length(partner_name) between 1 and 160),
  kind text not null check (kind in ('social-care', 'public-health', 'employment', 'housing', 'money', 'community', 'other')),
  offer text not null default '' check (length(offer) <= 500),
  link_url text check (length(link_url) <= 500),
  created_at timestamptz not null default now()
);
create index directory_hub_partners_hub on directory_hub_partners (hub_group_id);

-- Staged CSV imports: the admin previews the rows, then chooses to import; nothing is written before.
create table directory_imports (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  created_by uuid references users (id) on delete set null,
  filename text not null default '',
  rows jsonb not null,
  created_at timestamptz not null default now(),
  imported_at timestamptz
);

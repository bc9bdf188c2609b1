-- Moderation shared by every posting module: each post is registered here by its module.
alter table places add column house_rules text not null default '';
alter table places add column premoderate_first_posts integer not null default 1 check (premoderate_first_posts between 0 and 20);

create table moderation_items (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  module text not null,
  content_type text not null,
  content_id text not null,
  author_id uuid references users (id) on delete set null,
  summary text not null default '',
  url text not null default '',
  status text not null check (status in ('pending', 'published', 'hidden')),
  hidden_reason text,
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (place_id, module, content_type, content_id)
);
create index moderation_items_queue on moderation_items (place_id, status, created_at);

create table moderation_reports (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  item_id uuid not null references moderation_items (id) on delete cascade,
  reporter_id uuid references users (id) on delete set null,
  reason text not null check (reason in ('spam', 'offensive', 'personal-information', 'illegal', 'other')),
  details text not null default '',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolution text check (resolution in ('hidden', 'dismissed'))
);

create table moderation_appeals (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  item_id uuid not null references moderation_items (id) on delete cascade,
  author_id uuid references users (id) on delete set null,
  statement text not null,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  decision text check (decision in ('upheld', 'rejected')),
  decided_by uuid references users (id) on delete set null,
  unique (item_id)
);

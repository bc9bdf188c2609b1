-- Open data (SPEC §3.8): every dataset is public by default; a place admin may withhold one, and
-- the catalogue then lists it with the published reason. The history keeps each withholding and
-- release, so a dataset's page can show when and why it was withheld or released.

create table dataset_withholdings (
  place_id uuid not null references places (id) on delete cascade,
  -- A dataset id from a module's `datasets` declaration (modules are code, not rows).
  dataset_id text not null check (dataset_id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(dataset_id) <= 80),
  reason_kind text not null check (reason_kind in ('personal-data', 'commercial', 'security', 'other')),
  -- Published as written: the public sees it on the catalogue.
  reason text not null check (length(reason) between 1 and 1000),
  withheld_by uuid references users (id) on delete set null,
  withheld_at timestamptz not null default now(),
  primary key (place_id, dataset_id)
);

create table dataset_withholding_history (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  dataset_id text not null,
  event text not null check (event in ('withheld', 'released')),
  reason_kind text check (reason_kind in ('personal-data', 'commercial', 'security', 'other')),
  reason text check (length(reason) <= 1000),
  by_user uuid references users (id) on delete set null,
  at timestamptz not null default now()
);
create index dataset_withholding_history_dataset on dataset_withholding_history (place_id, dataset_id, at desc);

-- The audit log CSV streams by keyset (newest first, a batch below the last id seen).
create index audit_log_place_id on audit_log (place_id, id desc);

-- Connector signposting (SPEC §3.1): "I signposted someone about X to Y", with nothing about
-- the person helped, so the place can see demand and gaps by ward and category.
create table directory_signpostings (
  place_id uuid not null references places (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  -- A directory category code (modules/directory/categories.ts); checked by the service.
  category text not null check (category ~ '^[a-z]+(-[a-z]+)*$' and length(category) <= 40),
  -- The ward of the need, by GSS code. No foreign key: boundaries change at reviews, and a
  -- signposting keeps the ward it was recorded in.
  ward_code text not null check (length(ward_code) between 1 and 20),
  destination_kind text not null check (destination_kind in ('group', 'service', 'hub', 'other')),
  -- A search_documents ref_id for a directory record, or free text for somewhere else.
  destination_ref text check (length(destination_ref) <= 200),
  destination_text text check (length(destination_text) between 1 and 120),
  note text not null default '' check (length(note) <= 200),
  -- The connector, for the audit trail and their own list; never shown publicly.
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (place_id, id),
  check (
    (destination_kind = 'other' and destination_text is not null and destination_ref is null)
    or (destination_kind <> 'other' and destination_ref is not null and destination_text is null)
  )
);
create index directory_signpostings_demand on directory_signpostings (place_id, created_at);
create index directory_signpostings_connector on directory_signpostings (created_by, created_at);

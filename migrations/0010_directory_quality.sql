-- Pairs of directory records an officer has checked and found to be different, so the
-- data-quality page stops listing them as likely duplicates. Ids are stored in sorted order.
create table directory_not_duplicates (
  place_id uuid not null references places (id) on delete cascade,
  record_a uuid not null,
  record_b uuid not null check (record_a < record_b),
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz not null default now(),
  primary key (place_id, record_a, record_b)
);

-- Paper ballots: each officer's entry keeps the ward and age band they read off the paper, so
-- two entries that disagree on them are flagged like any other mismatch, and an entry that
-- settles a mismatch is marked as the deciding one.
alter table pb_paper_entries
  add column ward_code text,
  add column age_band text
    check (age_band in ('16-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+')),
  add column deciding boolean not null default false;

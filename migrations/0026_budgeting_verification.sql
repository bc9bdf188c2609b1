-- Who may vote (budgeting verification): what the first design left out.

-- An officer who checks someone in person may take their name, postcode and date of birth; only
-- the keyed hash is kept, so the same person cannot also verify by the local register.
alter table pb_in_person_codes add column identity_hash text;

-- Letters keep the order of the council's address file (the mail merge and the PDF follow it),
-- and each batch shows when it was made.
alter table pb_letter_codes
  add column line integer not null default 0,
  add column created_at timestamptz not null default now();
create index pb_letter_codes_batch on pb_letter_codes (process_id, batch, line);

alter table pb_register_entries add column uploaded_at timestamptz not null default now();

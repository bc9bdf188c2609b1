-- Recruitment for citizens' assemblies (SPEC §3.7): the council's address list, the seeded and
-- published draw of addresses that get a letter, and the invitations (each with its own
-- registration code). Respondents (0028) point at the invitation they answered.

-- The address list an officer uploaded for an assembly (one list; a new upload replaces it
-- until invitations have been drawn from it).
create table assembly_address_lists (
  assembly_id uuid primary key references assemblies (id) on delete cascade,
  filename text not null default '' check (length(filename) <= 200),
  addresses integer not null check (addresses >= 0),
  -- SHA-256 of the normalised address keys, sorted and joined by newlines: anyone holding the
  -- same list can check it is the list the draw was made from.
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  -- Made-up addresses (the demo): said so wherever the list is shown.
  synthetic boolean not null default false,
  uploaded_by uuid references users (id) on delete set null,
  uploaded_at timestamptz not null default now()
);

create table assembly_addresses (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assembly_address_lists (assembly_id) on delete cascade,
  -- The line of the uploaded file it came from.
  line integer not null check (line >= 1),
  address text not null check (length(address) between 1 and 300),
  postcode text not null check (length(postcode) between 1 and 10),
  uprn text check (uprn ~ '^[0-9]{1,12}$'),
  ward_code text check (length(ward_code) <= 20),
  -- The normalised address key the draw ranks (docs/assemblies-recruitment.md).
  key text not null check (length(key) <= 320),
  unique (assembly_id, key)
);

-- The published draw: the seed, how many addresses it was drawn from, how many were drawn.
create table assembly_invitation_draws (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null unique references assemblies (id) on delete cascade,
  seed text not null check (length(seed) between 1 and 100),
  -- The rule's name, so a future rule never silently changes what an old draw meant.
  rule text not null default 'sha256-rank-v1',
  addresses integer not null check (addresses >= 1),
  drawn integer not null check (drawn between 1 and addresses),
  list_fingerprint text not null check (list_fingerprint ~ '^[0-9a-f]{64}$'),
  drawn_by uuid references users (id) on delete set null,
  drawn_at timestamptz not null default now()
);

-- One letter: the address drawn and its registration code.
create table assembly_invitations (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  draw_id uuid not null references assembly_invitation_draws (id) on delete cascade,
  -- Its place in the draw (1 = the lowest hash).
  rank integer not null check (rank >= 1),
  address text not null check (length(address) between 1 and 300),
  postcode text not null check (length(postcode) between 1 and 10),
  uprn text,
  ward_code text,
  -- The household key: the normalised address (at most one member per household).
  household text not null check (length(household) <= 320),
  -- 8 characters from an alphabet without look-alikes; unique across assemblies, so a code
  -- typed on the wrong assembly's page can be told apart from a wrong code.
  code text not null unique check (code ~ '^[34679ACEFGHJKMNPRTWXY]{8}$'),
  letter_sent_at timestamptz,
  unique (draw_id, rank)
);
create index assembly_invitations_assembly on assembly_invitations (assembly_id, rank);

alter table assembly_respondents
  add constraint assembly_respondents_invitation
  foreign key (invitation_id) references assembly_invitations (id) on delete set null;
-- One registration per invitation code.
create unique index assembly_respondents_one_per_invitation
  on assembly_respondents (invitation_id) where invitation_id is not null;

-- Lawful data sharing (SPEC §3.2): a register of why each flow of personal data is lawful,
-- data-sharing agreements between the council and groups signed in the app, and referrals
-- from hubs to groups that are only possible under a signed agreement or recorded consent.

-- A consent can name the group it lets someone's details go to (a referral with consent).
alter table aid_consents add column recipient_group_id uuid references directory_groups (id) on delete set null;
create index aid_consents_recorded_by on aid_consents (place_id, recorded_by);

-- A place's own wording for one flow of the lawful-basis register; Kith's defaults live in code.
create table aid_lawful_basis_overrides (
  place_id uuid not null references places (id) on delete cascade,
  flow text not null check (length(flow) between 1 and 60),
  basis text not null check (basis in ('consent', 'contract', 'legal-obligation', 'vital-interests',
    'public-task', 'legitimate-interests', 'none')),
  condition text not null check (length(condition) between 1 and 40),
  purpose text not null check (length(purpose) between 1 and 1000),
  data_items text not null check (length(data_items) between 1 and 1000),
  recipients text not null check (length(recipients) between 1 and 1000),
  retention text not null check (length(retention) between 1 and 1000),
  notes text not null default '' check (length(notes) <= 2000),
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (place_id, flow)
);

create table aid_sharing_agreements (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  group_id uuid not null references directory_groups (id) on delete cascade,
  template_version text not null,
  purpose text not null check (length(purpose) between 1 and 1000),
  fields text[] not null check (cardinality(fields) between 1 and 10),
  retention_days integer not null check (retention_days between 1 and 3650),
  review_date date not null,
  status text not null default 'draft'
    check (status in ('draft', 'awaiting-group', 'awaiting-council', 'signed', 'ended')),
  group_signatory_id uuid references users (id) on delete set null,
  group_signatory_name text check (length(group_signatory_name) <= 120),
  group_signed_at timestamptz,
  council_signatory_id uuid references users (id) on delete set null,
  council_signatory_name text check (length(council_signatory_name) <= 120),
  council_signatory_role text check (length(council_signatory_role) <= 120),
  council_signed_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  ended_at timestamptz,
  -- Signed means both sides signed; nothing else can be.
  check (status <> 'signed' or (group_signed_at is not null and council_signed_at is not null))
);
create index aid_sharing_agreements_group on aid_sharing_agreements (place_id, group_id, status);

create table aid_referrals (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  -- The hub it was made from, if any; a connector or officer may refer from the council itself.
  from_group_id uuid references directory_groups (id) on delete set null,
  to_group_id uuid not null references directory_groups (id) on delete cascade,
  referred_by uuid references users (id) on delete set null,
  -- What made it lawful: a signed agreement with the receiving group, or the person's consent.
  agreement_id uuid references aid_sharing_agreements (id) on delete set null,
  consent_id uuid references aid_consents (id) on delete set null,
  fields text[] not null,
  person_name text not null default '' check (length(person_name) <= 120),
  person_phone text not null default '' check (length(person_phone) <= 40),
  person_email citext check (length(person_email) <= 254),
  person_address text not null default '' check (length(person_address) <= 300),
  needs text not null default '' check (length(needs) <= 1000),
  health text not null default '' check (length(health) <= 1000),
  status text not null default 'sent' check (status in ('sent', 'accepted', 'declined', 'withdrawn')),
  responded_by uuid references users (id) on delete set null,
  responded_at timestamptz,
  -- The person's details go at this time (the agreement's retention, or the consent's).
  clear_after timestamptz not null,
  cleared_at timestamptz,
  created_at timestamptz not null default now()
);
create index aid_referrals_to on aid_referrals (place_id, to_group_id, created_at);
create index aid_referrals_by on aid_referrals (referred_by);

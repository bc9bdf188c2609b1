-- People. An account is one person across every place; what they may do is per place (roles).
create table users (
  id uuid primary key default gen_random_uuid(),
  email citext not null unique check (length(email) <= 254),
  display_name text not null default '' check (length(display_name) <= 120),
  password_hash text,
  email_verified_at timestamptz,
  -- TOTP secret, encrypted with the installation secret (AES-256-GCM), set once confirmed.
  totp_secret_enc text,
  totp_enabled_at timestamptz,
  preferred_language text not null default 'en',
  notification_prefs jsonb not null default '{}',
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);

-- Sessions are stored, so they can be listed and ended ("sign out everywhere").
-- Only a hash of the cookie value is kept.
create table sessions (
  id_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  second_factor_at timestamptz,
  user_agent text not null default ''
);
create index sessions_user on sessions (user_id);

-- Single-use, expiring tokens sent by email (verify address, reset password, invitation).
create table user_tokens (
  hash text primary key,
  purpose text not null check (purpose in ('verify-email', 'reset-password', 'invite')),
  user_id uuid references users (id) on delete cascade,
  place_id uuid references places (id) on delete cascade,
  email citext not null,
  data jsonb not null default '{}',
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

create table role_assignments (
  place_id uuid not null references places (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('organiser', 'connector', 'officer', 'place-admin', 'accountable-officer')),
  granted_by uuid references users (id) on delete set null,
  granted_at timestamptz not null default now(),
  primary key (place_id, user_id, role)
);
create table platform_admins (
  user_id uuid primary key references users (id) on delete cascade
);

-- Fixed-window counters for rate limits, shared by every process on the database.
create table rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null
);

-- The audit log is append-only: written in the same transaction as the change it records.
create table audit_log (
  id bigint generated always as identity primary key,
  place_id uuid references places (id) on delete set null,
  actor_id uuid,
  action text not null,
  target_type text not null,
  target_id text,
  before jsonb,
  after jsonb,
  request_id text,
  at timestamptz not null default clock_timestamp()
);
create index audit_log_place_at on audit_log (place_id, at desc);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();

-- Background jobs, run by a small polling worker on PGlite and PostgreSQL alike.
create table jobs (
  id bigint generated always as identity primary key,
  place_id uuid references places (id) on delete cascade,
  name text not null,
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  last_error text,
  locked_by text,
  locked_at timestamptz,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_due on jobs (run_at) where status = 'queued';

-- Email waits here until the send job delivers it (or, in development, for /dev/outbox).
create table outbox (
  id uuid primary key default gen_random_uuid(),
  place_id uuid references places (id) on delete cascade,
  to_email citext not null,
  template text not null,
  lang text not null default 'en',
  subject text not null,
  body text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index outbox_created on outbox (created_at desc);

-- Choosing an assembly's panel (SPEC §3.7): a selection run finds the fairest distribution over
-- panels that meet the quotas, turns it into a lottery of numbered panels (public from the moment
-- it is made), and officers then draw one panel with a public random number. Drop-outs are
-- replaced by a smaller lottery over the rest of the pool, drawn the same way.

create table assembly_selection_runs (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  algorithm text not null check (algorithm in ('leximin', 'maximin', 'legacy')),
  run_by uuid references users (id) on delete set null,
  run_at timestamptz not null default now(),
  -- The pool (n respondents) and the panel size (k).
  n integer not null check (n >= 1),
  k integer not null check (k >= 1 and k <= n),
  min_probability double precision not null check (min_probability between 0 and 1),
  -- A proven upper bound on the smallest chance (equal to it when optimal).
  bound double precision not null check (bound between 0 and 1),
  optimal boolean not null,
  seconds double precision not null check (seconds >= 0),
  lottery_size integer not null check (lottery_size >= 1),
  lottery_max_deviation double precision not null check (lottery_max_deviation >= 0),
  -- The lottery: an array of lottery_size panels, each an array of respondents' public
  -- references (R0001 …) in pool order. This is the public record the draw is checked against.
  lottery jsonb not null check (jsonb_typeof(lottery) = 'array'),
  -- Each respondent's chance under the fairest distribution, keyed by respondent id.
  probabilities jsonb not null check (jsonb_typeof(probabilities) = 'object'),
  -- The public random number ('number', 0 … lottery_size − 1) or seed ('seed') that drew the panel.
  random_kind text check (random_kind in ('number', 'seed')),
  random_value text check (length(random_value) <= 200),
  panel_index integer check (panel_index >= 0 and panel_index < lottery_size),
  published_by uuid references users (id) on delete set null,
  published_at timestamptz,
  check ((published_at is null) = (panel_index is null)),
  check ((published_at is null) = (random_kind is null)),
  check ((published_at is null) = (random_value is null))
);
create index assembly_selection_runs_assembly on assembly_selection_runs (assembly_id, run_at desc);
-- Publishing is final: one published run per assembly.
create unique index assembly_selection_runs_published on assembly_selection_runs (assembly_id)
  where published_at is not null;

-- A lottery to fill the seats of members who dropped out: the members who stay are on every
-- panel, those who dropped out on none. Made first (public), then drawn with a new number.
create table assembly_replacement_draws (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  algorithm text not null check (algorithm in ('leximin', 'maximin', 'legacy')),
  made_by uuid references users (id) on delete set null,
  made_at timestamptz not null default now(),
  n integer not null check (n >= 1),
  k integer not null check (k >= 1 and k <= n),
  -- The smallest chance among the people who could fill a seat.
  min_probability double precision not null check (min_probability between 0 and 1),
  optimal boolean not null,
  seconds double precision not null check (seconds >= 0),
  lottery_size integer not null check (lottery_size >= 1),
  lottery_max_deviation double precision not null check (lottery_max_deviation >= 0),
  lottery jsonb not null check (jsonb_typeof(lottery) = 'array'),
  probabilities jsonb not null check (jsonb_typeof(probabilities) = 'object'),
  random_kind text check (random_kind in ('number', 'seed')),
  random_value text check (length(random_value) <= 200),
  panel_index integer check (panel_index >= 0 and panel_index < lottery_size),
  drawn_by uuid references users (id) on delete set null,
  drawn_at timestamptz,
  check ((drawn_at is null) = (panel_index is null)),
  check ((drawn_at is null) = (random_kind is null)),
  check ((drawn_at is null) = (random_value is null))
);
create index assembly_replacement_draws_assembly on assembly_replacement_draws (assembly_id, made_at);

-- A member who dropped out, why (private to the assigned officers), and who took the seat.
create table assembly_dropouts (
  id uuid primary key default gen_random_uuid(),
  assembly_id uuid not null references assemblies (id) on delete cascade,
  respondent_id uuid not null references assembly_respondents (id) on delete cascade,
  reason text not null check (length(reason) between 1 and 1000),
  recorded_by uuid references users (id) on delete set null,
  dropped_at timestamptz not null default now(),
  -- Set when a replacement draw fills the seat.
  draw_id uuid references assembly_replacement_draws (id) on delete set null,
  replacement_id uuid references assembly_respondents (id) on delete set null,
  replaced_at timestamptz,
  unique (respondent_id)
);
create index assembly_dropouts_assembly on assembly_dropouts (assembly_id, dropped_at);

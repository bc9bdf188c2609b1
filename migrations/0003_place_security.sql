-- A place can require two-step sign-in for its staff (officers, admins, accountable officer).
alter table places add column require_two_factor_for_staff boolean not null default false;

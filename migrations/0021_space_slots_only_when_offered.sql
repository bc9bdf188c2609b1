-- Bookings only touch slots that exist: most bookings (a year of a weekly club, anything more than
-- four weeks ahead) fall outside the slots on offer, and taking the change-number lock for them
-- made every booking wait for every other and slowed bulk writes tenfold. A booking that overlaps
-- no live slot now takes no lock and no number. In the rare race where the hourly job is making
-- new slots for the same space as the booking commits, the job's next run recounts them.
create or replace function space_slots_follow_bookings() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and exists (
    select 1 from space_slots s where s.space_id = old.space_id and s.state = 'live'
      and tstzrange(s.starts_at, s.ends_at, '[)') && old.during
  ) then
    perform pg_advisory_xact_lock(hashtext('kith.space_changes'));
    perform space_slots_recount(old.space_id, old.during);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and exists (
    select 1 from space_slots s where s.space_id = new.space_id and s.state = 'live'
      and tstzrange(s.starts_at, s.ends_at, '[)') && new.during
  ) then
    perform pg_advisory_xact_lock(hashtext('kith.space_changes'));
    perform space_slots_recount(new.space_id, new.during);
  end if;
  return null;
end
$$;

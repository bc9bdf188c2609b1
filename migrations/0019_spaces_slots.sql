-- OpenActive facility uses (one per bookable space) and their bookable hour-long slots, for the
-- RPDE feeds `facility-uses` and `slots` (docs/spaces.md). RPDE's "modified" must only grow, so
-- both take numbers from one sequence, and every writer takes a transaction advisory lock first
-- and holds it until it commits: numbers become visible in order, and a feed reader never skips
-- one committed late (the same rule as activity_changes in 0018).

create sequence space_changes;

-- A space's change number: any write to the row (which every change to its hours or prices also
-- makes, see space-service.ts) takes the next one.
alter table spaces add column modified bigint not null default nextval('space_changes');
create index spaces_place_modified on spaces (place_id, modified, id);

create function spaces_take_change_number() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('kith.space_changes'));
  new.modified := nextval('space_changes');
  return new;
end
$$;
create trigger spaces_change_number before insert or update on spaces
  for each row execute function spaces_take_change_number();

-- The bookable slots of the coming weeks, materialised so each keeps its identity and change
-- number: made and rolled forward by the `spaces.slots` job (and when a space's hours change),
-- kept in step with bookings by the trigger below. A slot that is no longer offered (past, the
-- hours changed, the space closed) stays for a while as `deleted`, as RPDE asks.
create table space_slots (
  id uuid primary key default gen_random_uuid(),
  place_id uuid not null references places (id) on delete cascade,
  space_id uuid not null references spaces (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  -- 1 when free, 0 when a pending or confirmed booking overlaps it.
  remaining_uses smallint not null check (remaining_uses in (0, 1)),
  state text not null default 'live' check (state in ('live', 'deleted')),
  modified bigint not null default nextval('space_changes'),
  updated_at timestamptz not null default now(),
  unique (space_id, starts_at)
);
create index space_slots_place_modified on space_slots (place_id, modified, id);
create index space_slots_deleted on space_slots (updated_at) where state = 'deleted';

-- Whether the live slots of a space overlapping a time are free, recounted from the bookings;
-- only slots whose answer changed take a new number.
create function space_slots_recount(p_space uuid, p_during tstzrange) returns void language sql as $$
  update space_slots s set remaining_uses = x.remaining, modified = nextval('space_changes'), updated_at = now()
  from (
    select s2.id, case when exists (
        select 1 from space_bookings b
        where b.space_id = s2.space_id and b.status in ('pending', 'confirmed')
          and b.during && tstzrange(s2.starts_at, s2.ends_at, '[)')
      ) then 0 else 1 end as remaining
    from space_slots s2
    where s2.space_id = p_space and s2.state = 'live'
      and tstzrange(s2.starts_at, s2.ends_at, '[)') && p_during
  ) x
  where s.id = x.id and s.remaining_uses <> x.remaining
$$;

-- Every booking made, cancelled, declined, moved or removed touches the slots it overlaps (the
-- old time and the new), whichever code made the change.
create function space_slots_follow_bookings() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('kith.space_changes'));
  if tg_op in ('UPDATE', 'DELETE') then
    perform space_slots_recount(old.space_id, old.during);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform space_slots_recount(new.space_id, new.during);
  end if;
  return null;
end
$$;
create trigger space_bookings_slots after insert or delete or update of during, status, space_id on space_bookings
  for each row execute function space_slots_follow_bookings();

-- A space that closes offers no slots: they are published as deleted at once.
create function space_slots_close() returns trigger language plpgsql as $$
begin
  if new.status <> 'active' then
    update space_slots set state = 'deleted', modified = nextval('space_changes'), updated_at = now()
    where space_id = new.id and state = 'live';
  end if;
  return null;
end
$$;
create trigger spaces_close_slots after update of status on spaces
  for each row execute function space_slots_close();

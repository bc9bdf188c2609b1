-- Concession prices for space bookings: the hirer says they qualify (a means-tested benefit,
-- under 18, over 65, a student) and pays the space's concession rate for their kind of hirer.
-- Kept on the booking so the space's managers can see it was claimed and check it if they wish.
alter table space_bookings add column concession boolean not null default false;

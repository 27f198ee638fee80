-- The nights a booking, hold or block occupies, half-open: [check_in, check_out).
ALTER TABLE "inn_bookings" ADD COLUMN "stay" daterange GENERATED ALWAYS AS (daterange("check_in", "check_out", '[)')) STORED;--> statement-breakpoint
-- No two active rows overlap for one room (btree_gist is created by the core migration 0001_extensions).
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_no_overlap"
  EXCLUDE USING gist ("room_id" WITH =, "stay" WITH &&)
  WHERE ("status" in ('held', 'confirmed', 'checked_in', 'completed', 'blocked'));

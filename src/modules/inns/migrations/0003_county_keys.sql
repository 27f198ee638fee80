-- Ready to be distributed by county (src/db/global-tables.ts): every key of the module includes county_id. Generated
-- by drizzle-kit, then ordered by hand to run on a populated database (the keys that depend on the old primary keys
-- first), with the no-double-booking exclusion constraint of 0001 re-made with the county in it.
ALTER TABLE "inn_bookings" DROP CONSTRAINT "inn_bookings_inn_id_inns_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_bookings" DROP CONSTRAINT "inn_bookings_room_id_inn_rooms_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_photos" DROP CONSTRAINT "inn_photos_inn_id_inns_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_photos" DROP CONSTRAINT "inn_photos_room_id_inn_rooms_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_reviews" DROP CONSTRAINT "inn_reviews_inn_id_inns_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_reviews" DROP CONSTRAINT "inn_reviews_booking_id_inn_bookings_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_rooms" DROP CONSTRAINT "inn_rooms_inn_id_inns_id_fk";
--> statement-breakpoint
ALTER TABLE "inn_seasonal_rates" DROP CONSTRAINT "inn_seasonal_rates_room_id_inn_rooms_id_fk";
--> statement-breakpoint
DROP INDEX "inn_bookings_payment_unique";
--> statement-breakpoint
DROP INDEX "inns_org_unique";
--> statement-breakpoint
DROP INDEX "inn_reviews_booking_unique";
--> statement-breakpoint
DROP INDEX "inn_rooms_ical_unique";
--> statement-breakpoint
DROP INDEX "inn_rooms_name_unique";
--> statement-breakpoint
ALTER TABLE "inn_bookings" DROP CONSTRAINT "inn_bookings_pkey";
--> statement-breakpoint
ALTER TABLE "inn_photos" DROP CONSTRAINT "inn_photos_pkey";
--> statement-breakpoint
ALTER TABLE "inns" DROP CONSTRAINT "inns_pkey";
--> statement-breakpoint
ALTER TABLE "inn_reviews" DROP CONSTRAINT "inn_reviews_pkey";
--> statement-breakpoint
ALTER TABLE "inn_rooms" DROP CONSTRAINT "inn_rooms_pkey";
--> statement-breakpoint
ALTER TABLE "inn_seasonal_rates" DROP CONSTRAINT "inn_seasonal_rates_pkey";
--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_id_county_id_pk" PRIMARY KEY("id","county_id");
--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_id_county_id_pk" PRIMARY KEY("id","county_id");
--> statement-breakpoint
ALTER TABLE "inns" ADD CONSTRAINT "inns_id_county_id_pk" PRIMARY KEY("id","county_id");
--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_id_county_id_pk" PRIMARY KEY("id","county_id");
--> statement-breakpoint
ALTER TABLE "inn_rooms" ADD CONSTRAINT "inn_rooms_id_county_id_pk" PRIMARY KEY("id","county_id");
--> statement-breakpoint
ALTER TABLE "inn_seasonal_rates" ADD CONSTRAINT "inn_seasonal_rates_id_county_id_pk" PRIMARY KEY("id","county_id");
--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_county_id_inn_id_inns_county_id_id_fk" FOREIGN KEY ("county_id","inn_id") REFERENCES "public"."inns"("county_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_county_id_room_id_inn_rooms_county_id_id_fk" FOREIGN KEY ("county_id","room_id") REFERENCES "public"."inn_rooms"("county_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_county_id_inn_id_inns_county_id_id_fk" FOREIGN KEY ("county_id","inn_id") REFERENCES "public"."inns"("county_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_photos" ADD CONSTRAINT "inn_photos_county_id_room_id_inn_rooms_county_id_id_fk" FOREIGN KEY ("county_id","room_id") REFERENCES "public"."inn_rooms"("county_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_county_id_inn_id_inns_county_id_id_fk" FOREIGN KEY ("county_id","inn_id") REFERENCES "public"."inns"("county_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_county_id_booking_id_inn_bookings_county_id_id_fk" FOREIGN KEY ("county_id","booking_id") REFERENCES "public"."inn_bookings"("county_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_rooms" ADD CONSTRAINT "inn_rooms_county_id_inn_id_inns_county_id_id_fk" FOREIGN KEY ("county_id","inn_id") REFERENCES "public"."inns"("county_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_seasonal_rates" ADD CONSTRAINT "inn_seasonal_rates_county_id_room_id_inn_rooms_county_id_id_fk" FOREIGN KEY ("county_id","room_id") REFERENCES "public"."inn_rooms"("county_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "inn_bookings" DROP CONSTRAINT "inn_bookings_no_overlap";
--> statement-breakpoint
-- No two active rows overlap for one room of the county (the county is part of every key: see migration 0001).
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_no_overlap"
  EXCLUDE USING gist ("room_id" WITH =, "stay" WITH &&, "county_id" WITH =)
  WHERE ("status" in ('held', 'confirmed', 'checked_in', 'completed', 'blocked'));
--> statement-breakpoint
CREATE UNIQUE INDEX "inn_bookings_payment_unique" ON "inn_bookings" USING btree ("payment_id","county_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "inns_org_unique" ON "inns" USING btree ("org_id","county_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "inn_reviews_booking_unique" ON "inn_reviews" USING btree ("booking_id","county_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "inn_rooms_ical_unique" ON "inn_rooms" USING btree ("ical_token","county_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "inn_rooms_name_unique" ON "inn_rooms" USING btree ("inn_id","name","county_id");

CREATE TABLE "inn_bookings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"inn_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"guest_id" uuid,
	"check_in" date NOT NULL,
	"check_out" date NOT NULL,
	"guests" integer DEFAULT 1 NOT NULL,
	"status" text NOT NULL,
	"block_source" text,
	"note" text DEFAULT '' NOT NULL,
	"external_uid" text,
	"amount_fen" integer DEFAULT 0 NOT NULL,
	"refund_fen" integer DEFAULT 0 NOT NULL,
	"payment_id" uuid,
	"hold_expires_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"checked_in_at" timestamp with time zone,
	"checked_out_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inn_bookings_status_check" CHECK (status in ('held', 'confirmed', 'checked_in', 'completed', 'cancelled', 'expired', 'blocked')),
	CONSTRAINT "inn_bookings_dates_check" CHECK ("inn_bookings"."check_out" > "inn_bookings"."check_in"),
	CONSTRAINT "inn_bookings_guests_check" CHECK ("inn_bookings"."guests" between 1 and 50),
	CONSTRAINT "inn_bookings_amount_check" CHECK ("inn_bookings"."amount_fen" >= 0 and "inn_bookings"."refund_fen" >= 0 and "inn_bookings"."refund_fen" <= "inn_bookings"."amount_fen"),
	CONSTRAINT "inn_bookings_block_check" CHECK (("inn_bookings"."status" = 'blocked') = ("inn_bookings"."block_source" is not null)),
	CONSTRAINT "inn_bookings_guest_check" CHECK ("inn_bookings"."status" = 'blocked' or "inn_bookings"."guest_id" is not null),
	CONSTRAINT "inn_bookings_hold_check" CHECK ("inn_bookings"."status" <> 'held' or "inn_bookings"."hold_expires_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "inns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"name" text NOT NULL,
	"building_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"story_before" text DEFAULT '' NOT NULL,
	"story_after" text DEFAULT '' NOT NULL,
	"amenities" text[] DEFAULT '{}'::text[] NOT NULL,
	"photos" text[] DEFAULT '{}'::text[] NOT NULL,
	"house_rules" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"lon" double precision,
	"lat" double precision,
	"full_refund_days" integer DEFAULT 7 NOT NULL,
	"partial_refund_days" integer DEFAULT 2 NOT NULL,
	"partial_refund_percent" integer DEFAULT 50 NOT NULL,
	"hold_minutes" integer DEFAULT 15 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inns_policy_check" CHECK ("inns"."full_refund_days" >= "inns"."partial_refund_days" and "inns"."partial_refund_days" >= 0 and "inns"."partial_refund_percent" between 0 and 100),
	CONSTRAINT "inns_hold_check" CHECK ("inns"."hold_minutes" between 1 and 1440)
);
--> statement-breakpoint
CREATE TABLE "inn_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"inn_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"guest_id" uuid NOT NULL,
	"rating" integer NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inn_reviews_rating_check" CHECK ("inn_reviews"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "inn_rooms" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"inn_id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"capacity" integer NOT NULL,
	"beds" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"nightly_fen" integer NOT NULL,
	"weekend_fen" integer,
	"ical_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inn_rooms_type_check" CHECK (type in ('single', 'double', 'twin', 'family', 'suite', 'dorm')),
	CONSTRAINT "inn_rooms_capacity_check" CHECK ("inn_rooms"."capacity" between 1 and 50),
	CONSTRAINT "inn_rooms_price_check" CHECK ("inn_rooms"."nightly_fen" > 0 and ("inn_rooms"."weekend_fen" is null or "inn_rooms"."weekend_fen" > 0))
);
--> statement-breakpoint
CREATE TABLE "inn_seasonal_rates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"nightly_fen" integer NOT NULL,
	"weekend_fen" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inn_seasonal_rates_range_check" CHECK ("inn_seasonal_rates"."end_date" > "inn_seasonal_rates"."start_date"),
	CONSTRAINT "inn_seasonal_rates_price_check" CHECK ("inn_seasonal_rates"."nightly_fen" > 0 and ("inn_seasonal_rates"."weekend_fen" is null or "inn_seasonal_rates"."weekend_fen" > 0))
);
--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_inn_id_inns_id_fk" FOREIGN KEY ("inn_id") REFERENCES "public"."inns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_room_id_inn_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."inn_rooms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_bookings" ADD CONSTRAINT "inn_bookings_guest_id_users_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inns" ADD CONSTRAINT "inns_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inns" ADD CONSTRAINT "inns_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inns" ADD CONSTRAINT "inns_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_inn_id_inns_id_fk" FOREIGN KEY ("inn_id") REFERENCES "public"."inns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_booking_id_inn_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."inn_bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_reviews" ADD CONSTRAINT "inn_reviews_guest_id_users_id_fk" FOREIGN KEY ("guest_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_rooms" ADD CONSTRAINT "inn_rooms_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_rooms" ADD CONSTRAINT "inn_rooms_inn_id_inns_id_fk" FOREIGN KEY ("inn_id") REFERENCES "public"."inns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_seasonal_rates" ADD CONSTRAINT "inn_seasonal_rates_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inn_seasonal_rates" ADD CONSTRAINT "inn_seasonal_rates_room_id_inn_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."inn_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inn_bookings_inn_idx" ON "inn_bookings" USING btree ("inn_id","check_in");--> statement-breakpoint
CREATE INDEX "inn_bookings_guest_idx" ON "inn_bookings" USING btree ("guest_id");--> statement-breakpoint
CREATE INDEX "inn_bookings_held_idx" ON "inn_bookings" USING btree ("hold_expires_at") WHERE status = 'held';--> statement-breakpoint
CREATE UNIQUE INDEX "inn_bookings_payment_unique" ON "inn_bookings" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inns_org_unique" ON "inns" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "inns_unit_idx" ON "inns" USING btree ("unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inn_reviews_booking_unique" ON "inn_reviews" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "inn_reviews_inn_idx" ON "inn_reviews" USING btree ("inn_id");--> statement-breakpoint
CREATE INDEX "inn_rooms_inn_idx" ON "inn_rooms" USING btree ("inn_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inn_rooms_ical_unique" ON "inn_rooms" USING btree ("ical_token");--> statement-breakpoint
CREATE UNIQUE INDEX "inn_rooms_name_unique" ON "inn_rooms" USING btree ("inn_id","name");--> statement-breakpoint
CREATE INDEX "inn_seasonal_rates_room_idx" ON "inn_seasonal_rates" USING btree ("room_id");
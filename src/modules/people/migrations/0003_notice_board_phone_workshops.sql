CREATE TABLE "people_account_entries" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"period_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"category" text NOT NULL,
	"item" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"occurred_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_account_entries_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_account_entries_direction_check" CHECK (direction in ('income', 'expense')),
	CONSTRAINT "people_account_entries_category_check" CHECK (category in ('operations', 'contracting', 'investment', 'subsidy', 'other_income', 'operating_costs', 'management', 'public_welfare', 'construction', 'other_expense')),
	CONSTRAINT "people_account_entries_amount_check" CHECK ("people_account_entries"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "people_account_periods" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"period" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	"published_at" timestamp with time zone,
	CONSTRAINT "people_account_periods_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_account_periods_status_check" CHECK (status in ('draft', 'published')),
	CONSTRAINT "people_account_periods_published_check" CHECK (("people_account_periods"."status" = 'published') = ("people_account_periods"."published_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "people_milestones" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"apprenticeship_id" uuid NOT NULL,
	"skill" text NOT NULL,
	"reached_on" date NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_milestones_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "people_notices" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"category" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"pinned" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'published' NOT NULL,
	"posted_by" uuid,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_reason" text,
	CONSTRAINT "people_notices_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_notices_category_check" CHECK (category in ('affairs', 'party', 'finance', 'notice')),
	CONSTRAINT "people_notices_status_check" CHECK (status in ('published', 'withdrawn')),
	CONSTRAINT "people_notices_withdrawn_check" CHECK (("people_notices"."status" = 'withdrawn') = ("people_notices"."withdrawn_at" is not null and "people_notices"."withdrawn_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "people_phone_challenges" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"phone_hash" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_phone_challenges_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_phone_challenges_attempts_check" CHECK ("people_phone_challenges"."attempts" between 0 and 5)
);
--> statement-breakpoint
CREATE TABLE "people_session_photos" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"storage_key" text NOT NULL,
	"thumb_key" text NOT NULL,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"caption" text DEFAULT '' NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_session_photos_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_session_photos_type_check" CHECK (content_type in ('image/jpeg', 'image/png', 'image/webp'))
);
--> statement-breakpoint
CREATE TABLE "people_workshop_bookings" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"workshop_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"seats" integer NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'booked' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_workshop_bookings_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_workshop_bookings_status_check" CHECK (status in ('booked', 'cancelled')),
	CONSTRAINT "people_workshop_bookings_seats_check" CHECK ("people_workshop_bookings"."seats" between 1 and 20)
);
--> statement-breakpoint
CREATE TABLE "people_workshops" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"artisan_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"minutes" integer NOT NULL,
	"seats" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"price_fen" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_workshops_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_workshops_status_check" CHECK (status in ('open', 'cancelled')),
	CONSTRAINT "people_workshops_numbers_check" CHECK ("people_workshops"."minutes" between 15 and 1440 and "people_workshops"."seats" between 1 and 200 and "people_workshops"."booked" between 0 and "people_workshops"."seats" and "people_workshops"."price_fen" >= 0)
);
--> statement-breakpoint
ALTER TABLE "people_account_entries" ADD CONSTRAINT "people_account_entries_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_account_entries" ADD CONSTRAINT "people_account_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_account_entries" ADD CONSTRAINT "people_account_entries_period_fk" FOREIGN KEY ("county_id","period_id") REFERENCES "public"."people_account_periods"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_account_periods" ADD CONSTRAINT "people_account_periods_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_account_periods" ADD CONSTRAINT "people_account_periods_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_account_periods" ADD CONSTRAINT "people_account_periods_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_account_periods" ADD CONSTRAINT "people_account_periods_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_milestones" ADD CONSTRAINT "people_milestones_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_milestones" ADD CONSTRAINT "people_milestones_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_milestones" ADD CONSTRAINT "people_milestones_apprenticeship_fk" FOREIGN KEY ("county_id","apprenticeship_id") REFERENCES "public"."people_apprenticeships"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_notices" ADD CONSTRAINT "people_notices_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_notices" ADD CONSTRAINT "people_notices_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_notices" ADD CONSTRAINT "people_notices_posted_by_users_id_fk" FOREIGN KEY ("posted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_phone_challenges" ADD CONSTRAINT "people_phone_challenges_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_phone_challenges" ADD CONSTRAINT "people_phone_challenges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_session_photos" ADD CONSTRAINT "people_session_photos_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_session_photos" ADD CONSTRAINT "people_session_photos_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_session_photos" ADD CONSTRAINT "people_session_photos_session_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."people_training_sessions"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_workshop_bookings" ADD CONSTRAINT "people_workshop_bookings_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_workshop_bookings" ADD CONSTRAINT "people_workshop_bookings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_workshop_bookings" ADD CONSTRAINT "people_workshop_bookings_workshop_fk" FOREIGN KEY ("county_id","workshop_id") REFERENCES "public"."people_workshops"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_workshops" ADD CONSTRAINT "people_workshops_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_workshops" ADD CONSTRAINT "people_workshops_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_workshops" ADD CONSTRAINT "people_workshops_artisan_fk" FOREIGN KEY ("county_id","artisan_id") REFERENCES "public"."people_artisans"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_account_entries_period_idx" ON "people_account_entries" USING btree ("county_id","period_id","occurred_on");--> statement-breakpoint
CREATE UNIQUE INDEX "people_account_periods_once" ON "people_account_periods" USING btree ("county_id","village_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "people_milestones_once" ON "people_milestones" USING btree ("county_id","apprenticeship_id","skill");--> statement-breakpoint
CREATE INDEX "people_notices_board_idx" ON "people_notices" USING btree ("county_id","village_id","status","posted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "people_phone_challenges_user_unique" ON "people_phone_challenges" USING btree ("county_id","user_id");--> statement-breakpoint
CREATE INDEX "people_session_photos_session_idx" ON "people_session_photos" USING btree ("county_id","session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_workshop_bookings_once" ON "people_workshop_bookings" USING btree ("county_id","workshop_id","user_id") WHERE status = 'booked';--> statement-breakpoint
CREATE INDEX "people_workshops_when_idx" ON "people_workshops" USING btree ("county_id","status","starts_at");
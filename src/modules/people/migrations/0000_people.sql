CREATE TABLE "people_application_steps" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_application_steps_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_application_steps_to_check" CHECK (to_status in ('submitted', 'village_approved', 'township_approved', 'approved', 'disbursed', 'rejected', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "people_applications" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"programme_id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"plan" text NOT NULL,
	"business_link" text,
	"status" text DEFAULT 'submitted' NOT NULL,
	"reason" text,
	"disbursed_fen" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_applications_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_applications_status_check" CHECK (status in ('submitted', 'village_approved', 'township_approved', 'approved', 'disbursed', 'rejected', 'withdrawn')),
	CONSTRAINT "people_applications_amount_check" CHECK ("people_applications"."amount_fen" > 0 and "people_applications"."disbursed_fen" >= 0 and "people_applications"."disbursed_fen" <= "people_applications"."amount_fen"),
	CONSTRAINT "people_applications_reason_check" CHECK (("people_applications"."status" = 'rejected') <= ("people_applications"."reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "people_apprenticeships" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"artisan_id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"status" text DEFAULT 'applied' NOT NULL,
	"motivation" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_apprenticeships_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_apprenticeships_status_check" CHECK (status in ('applied', 'active', 'declined', 'completed'))
);
--> statement-breakpoint
CREATE TABLE "people_artisans" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"public_name" text NOT NULL,
	"craft" text NOT NULL,
	"level" text DEFAULT 'none' NOT NULL,
	"org_id" uuid,
	"bio" text DEFAULT '' NOT NULL,
	"places" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_artisans_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_artisans_level_check" CHECK (level in ('national', 'provincial', 'municipal', 'county', 'none')),
	CONSTRAINT "people_artisans_places_check" CHECK ("people_artisans"."places" between 0 and 50)
);
--> statement-breakpoint
CREATE TABLE "people_programmes" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"criteria" text DEFAULT '' NOT NULL,
	"returnees_only" boolean DEFAULT false NOT NULL,
	"budget_fen" bigint NOT NULL,
	"max_award_fen" bigint NOT NULL,
	"disbursed_fen" bigint DEFAULT 0 NOT NULL,
	"deadline" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_programmes_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_programmes_kind_check" CHECK (kind in ('startup_grant', 'subsidised_loan', 'training', 'workspace', 'housing')),
	CONSTRAINT "people_programmes_money_check" CHECK ("people_programmes"."budget_fen" >= 0 and "people_programmes"."max_award_fen" >= 0 and "people_programmes"."max_award_fen" <= "people_programmes"."budget_fen"),
	CONSTRAINT "people_programmes_disbursed_check" CHECK ("people_programmes"."disbursed_fen" >= 0 and "people_programmes"."disbursed_fen" <= "people_programmes"."budget_fen")
);
--> statement-breakpoint
CREATE TABLE "people_residents" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"township_id" uuid NOT NULL,
	"user_id" uuid,
	"full_name" text NOT NULL,
	"household" text DEFAULT '' NOT NULL,
	"birth_year" integer NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"status_since" date,
	"returned_from" text,
	"occupation" text DEFAULT '' NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"consent_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_residents_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_residents_status_check" CHECK (status in ('living', 'working_away', 'returned')),
	CONSTRAINT "people_residents_returned_check" CHECK (("people_residents"."status" = 'returned') = ("people_residents"."returned_from" is not null)),
	CONSTRAINT "people_residents_birth_year_check" CHECK ("people_residents"."birth_year" between 1900 and 2100)
);
--> statement-breakpoint
CREATE TABLE "people_training_sessions" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"apprenticeship_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"minutes" integer NOT NULL,
	"skills" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"logged_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_training_sessions_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_training_sessions_minutes_check" CHECK ("people_training_sessions"."minutes" between 1 and 1440)
);
--> statement-breakpoint
ALTER TABLE "people_application_steps" ADD CONSTRAINT "people_application_steps_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_application_steps" ADD CONSTRAINT "people_application_steps_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_application_steps" ADD CONSTRAINT "people_application_steps_application_fk" FOREIGN KEY ("county_id","application_id") REFERENCES "public"."people_applications"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_applications" ADD CONSTRAINT "people_applications_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_applications" ADD CONSTRAINT "people_applications_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_applications" ADD CONSTRAINT "people_applications_programme_fk" FOREIGN KEY ("county_id","programme_id") REFERENCES "public"."people_programmes"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_applications" ADD CONSTRAINT "people_applications_resident_fk" FOREIGN KEY ("county_id","resident_id") REFERENCES "public"."people_residents"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_apprenticeships" ADD CONSTRAINT "people_apprenticeships_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_apprenticeships" ADD CONSTRAINT "people_apprenticeships_artisan_fk" FOREIGN KEY ("county_id","artisan_id") REFERENCES "public"."people_artisans"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_apprenticeships" ADD CONSTRAINT "people_apprenticeships_resident_fk" FOREIGN KEY ("county_id","resident_id") REFERENCES "public"."people_residents"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_artisans" ADD CONSTRAINT "people_artisans_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_artisans" ADD CONSTRAINT "people_artisans_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_artisans" ADD CONSTRAINT "people_artisans_resident_fk" FOREIGN KEY ("county_id","resident_id") REFERENCES "public"."people_residents"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_programmes" ADD CONSTRAINT "people_programmes_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_programmes" ADD CONSTRAINT "people_programmes_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_programmes" ADD CONSTRAINT "people_programmes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_residents" ADD CONSTRAINT "people_residents_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_residents" ADD CONSTRAINT "people_residents_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_residents" ADD CONSTRAINT "people_residents_township_id_admin_units_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_residents" ADD CONSTRAINT "people_residents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_training_sessions" ADD CONSTRAINT "people_training_sessions_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_training_sessions" ADD CONSTRAINT "people_training_sessions_logged_by_users_id_fk" FOREIGN KEY ("logged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_training_sessions" ADD CONSTRAINT "people_training_sessions_apprenticeship_fk" FOREIGN KEY ("county_id","apprenticeship_id") REFERENCES "public"."people_apprenticeships"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "people_application_steps_once" ON "people_application_steps" USING btree ("county_id","application_id","from_status","to_status");--> statement-breakpoint
CREATE UNIQUE INDEX "people_applications_once" ON "people_applications" USING btree ("county_id","programme_id","resident_id");--> statement-breakpoint
CREATE INDEX "people_applications_village_idx" ON "people_applications" USING btree ("county_id","village_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "people_apprenticeships_once" ON "people_apprenticeships" USING btree ("county_id","artisan_id","resident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_artisans_once" ON "people_artisans" USING btree ("county_id","resident_id","craft");--> statement-breakpoint
CREATE UNIQUE INDEX "people_residents_user_unique" ON "people_residents" USING btree ("county_id","user_id");--> statement-breakpoint
CREATE INDEX "people_residents_village_idx" ON "people_residents" USING btree ("county_id","village_id","status");--> statement-breakpoint
CREATE INDEX "people_training_sessions_idx" ON "people_training_sessions" USING btree ("county_id","apprenticeship_id","held_on");
CREATE TABLE "people_job_applications" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"resident_id" uuid NOT NULL,
	"contact" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'applied' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_job_applications_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_job_applications_status_check" CHECK (status in ('applied', 'accepted', 'declined', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "people_jobs" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"poster_kind" text NOT NULL,
	"org_id" uuid,
	"project_id" uuid,
	"poster_name" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"pay_fen" bigint NOT NULL,
	"pay_unit" text NOT NULL,
	"positions" integer DEFAULT 1 NOT NULL,
	"closes_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_jobs_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_jobs_poster_check" CHECK (("people_jobs"."poster_kind" = 'organization' and "people_jobs"."org_id" is not null) or ("people_jobs"."poster_kind" = 'project' and "people_jobs"."project_id" is not null)),
	CONSTRAINT "people_jobs_poster_kind_check" CHECK (poster_kind in ('organization', 'project')),
	CONSTRAINT "people_jobs_pay_unit_check" CHECK (pay_unit in ('hour', 'day', 'month', 'piece')),
	CONSTRAINT "people_jobs_status_check" CHECK (status in ('open', 'closed')),
	CONSTRAINT "people_jobs_numbers_check" CHECK ("people_jobs"."pay_fen" >= 0 and "people_jobs"."positions" between 1 and 500)
);
--> statement-breakpoint
ALTER TABLE "people_job_applications" ADD CONSTRAINT "people_job_applications_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_job_applications" ADD CONSTRAINT "people_job_applications_job_fk" FOREIGN KEY ("county_id","job_id") REFERENCES "public"."people_jobs"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_job_applications" ADD CONSTRAINT "people_job_applications_resident_fk" FOREIGN KEY ("county_id","resident_id") REFERENCES "public"."people_residents"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_jobs" ADD CONSTRAINT "people_jobs_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_jobs" ADD CONSTRAINT "people_jobs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_jobs" ADD CONSTRAINT "people_jobs_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_jobs" ADD CONSTRAINT "people_jobs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "people_job_applications_once" ON "people_job_applications" USING btree ("county_id","job_id","resident_id");--> statement-breakpoint
CREATE INDEX "people_jobs_open_idx" ON "people_jobs" USING btree ("county_id","status","closes_on");
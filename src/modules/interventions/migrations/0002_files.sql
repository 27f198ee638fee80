CREATE TABLE "intervention_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"intervention_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"phase" text NOT NULL,
	"storage_key" text NOT NULL,
	"thumb_key" text,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer,
	"height" integer,
	"caption" text DEFAULT '' NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_files_kind_check" CHECK (kind in ('drawing', 'photo')),
	CONSTRAINT "intervention_files_phase_check" CHECK (phase in ('proposal', 'progress', 'before', 'after')),
	CONSTRAINT "intervention_files_bytes_check" CHECK ("intervention_files"."bytes" > 0),
	CONSTRAINT "intervention_files_caption_check" CHECK (length("intervention_files"."caption") <= 200)
);
--> statement-breakpoint
ALTER TABLE "intervention_files" ADD CONSTRAINT "intervention_files_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_files" ADD CONSTRAINT "intervention_files_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_files" ADD CONSTRAINT "intervention_files_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "intervention_files_idx" ON "intervention_files" USING btree ("intervention_id","created_at");
CREATE TABLE "people_application_documents" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"name" text NOT NULL,
	"storage_key" text NOT NULL,
	"thumb_key" text,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_application_documents_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "people_application_documents_type_check" CHECK (content_type in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf'))
);
--> statement-breakpoint
ALTER TABLE "people_programmes" ADD COLUMN "documents" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "people_application_documents" ADD CONSTRAINT "people_application_documents_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_application_documents" ADD CONSTRAINT "people_application_documents_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people_application_documents" ADD CONSTRAINT "people_application_documents_application_fk" FOREIGN KEY ("county_id","application_id") REFERENCES "public"."people_applications"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "people_application_documents_idx" ON "people_application_documents" USING btree ("county_id","application_id");
CREATE TABLE "market_trace_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"batch_id" uuid NOT NULL,
	"title" text NOT NULL,
	"storage_key" text NOT NULL,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "market_trace_documents_type_check" CHECK (content_type in ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
	CONSTRAINT "market_trace_documents_sha_check" CHECK ("market_trace_documents"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD COLUMN "document_id" uuid;--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD COLUMN "document_sha256" text;--> statement-breakpoint
ALTER TABLE "market_trace_documents" ADD CONSTRAINT "market_trace_documents_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_trace_documents" ADD CONSTRAINT "market_trace_documents_batch_id_market_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."market_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "market_trace_documents" ADD CONSTRAINT "market_trace_documents_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "market_trace_documents_batch_idx" ON "market_trace_documents" USING btree ("batch_id");--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD CONSTRAINT "market_trace_events_document_id_market_trace_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."market_trace_documents"("id") ON DELETE no action ON UPDATE no action;
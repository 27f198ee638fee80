CREATE TABLE "live_event_log" (
	"county_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_event_log_county_id_session_id_seq_pk" PRIMARY KEY("county_id","session_id","seq")
);
--> statement-breakpoint
CREATE TABLE "live_event_seqs" (
	"county_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"last_seq" integer NOT NULL,
	CONSTRAINT "live_event_seqs_county_id_session_id_pk" PRIMARY KEY("county_id","session_id")
);
--> statement-breakpoint
CREATE TABLE "live_pins" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"pinned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unpinned_at" timestamp with time zone,
	"pinned_by" uuid,
	CONSTRAINT "live_pins_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
CREATE TABLE "live_viewer_samples" (
	"county_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"viewers" integer NOT NULL,
	CONSTRAINT "live_viewer_samples_county_id_session_id_at_pk" PRIMARY KEY("county_id","session_id","at")
);
--> statement-breakpoint
CREATE TABLE "live_viewers" (
	"county_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"client_id" text NOT NULL,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_viewers_county_id_session_id_client_id_pk" PRIMARY KEY("county_id","session_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "live_sessions" ADD COLUMN "recorded_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD COLUMN "cover_file" text;--> statement-breakpoint
ALTER TABLE "live_event_log" ADD CONSTRAINT "live_event_log_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_event_log" ADD CONSTRAINT "live_event_log_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_event_seqs" ADD CONSTRAINT "live_event_seqs_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_event_seqs" ADD CONSTRAINT "live_event_seqs_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_pins" ADD CONSTRAINT "live_pins_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_pins" ADD CONSTRAINT "live_pins_pinned_by_users_id_fk" FOREIGN KEY ("pinned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_pins" ADD CONSTRAINT "live_pins_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_viewer_samples" ADD CONSTRAINT "live_viewer_samples_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_viewer_samples" ADD CONSTRAINT "live_viewer_samples_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_viewers" ADD CONSTRAINT "live_viewers_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_viewers" ADD CONSTRAINT "live_viewers_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "live_pins_one_open" ON "live_pins" USING btree ("county_id","session_id") WHERE unpinned_at is null;--> statement-breakpoint
CREATE INDEX "live_pins_session_idx" ON "live_pins" USING btree ("county_id","session_id","pinned_at");--> statement-breakpoint
CREATE INDEX "live_viewers_seen_idx" ON "live_viewers" USING btree ("county_id","session_id","last_seen");
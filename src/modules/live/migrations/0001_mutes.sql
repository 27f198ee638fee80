CREATE TABLE "live_mutes" (
	"county_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"muted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_mutes_county_id_session_id_user_id_pk" PRIMARY KEY("county_id","session_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "live_mutes" ADD CONSTRAINT "live_mutes_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_mutes" ADD CONSTRAINT "live_mutes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_mutes" ADD CONSTRAINT "live_mutes_muted_by_users_id_fk" FOREIGN KEY ("muted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_mutes" ADD CONSTRAINT "live_mutes_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE no action ON UPDATE no action;
CREATE TABLE "live_flash_claims" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"offer_id" uuid NOT NULL,
	"buyer_id" uuid NOT NULL,
	"status" text DEFAULT 'held' NOT NULL,
	"amount_fen" integer NOT NULL,
	"payment_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_flash_claims_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "live_flash_claims_status_check" CHECK (status in ('held', 'paid', 'released')),
	CONSTRAINT "live_flash_claims_amount_check" CHECK ("live_flash_claims"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "live_flash_offers" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"label" text NOT NULL,
	"price_fen" integer NOT NULL,
	"regular_price_fen" integer NOT NULL,
	"quota" integer NOT NULL,
	"remaining" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"ends_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_flash_offers_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "live_flash_offers_status_check" CHECK (status in ('open', 'closed')),
	CONSTRAINT "live_flash_offers_price_check" CHECK ("live_flash_offers"."price_fen" > 0 and "live_flash_offers"."regular_price_fen" > 0),
	CONSTRAINT "live_flash_offers_quota_check" CHECK ("live_flash_offers"."quota" > 0 and "live_flash_offers"."remaining" >= 0 and "live_flash_offers"."remaining" <= "live_flash_offers"."quota")
);
--> statement-breakpoint
CREATE TABLE "live_messages" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"author_name" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	CONSTRAINT "live_messages_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "live_messages_body_check" CHECK (char_length("live_messages"."body") between 1 and 200)
);
--> statement-breakpoint
CREATE TABLE "live_session_products" (
	"county_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "live_session_products_county_id_session_id_product_id_pk" PRIMARY KEY("county_id","session_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "live_sessions" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"title" text NOT NULL,
	"cover_url" text,
	"scheduled_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"stream_key" text NOT NULL,
	"likes" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_sessions_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "live_sessions_status_check" CHECK (status in ('scheduled', 'live', 'ended')),
	CONSTRAINT "live_sessions_likes_check" CHECK ("live_sessions"."likes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "live_flash_claims" ADD CONSTRAINT "live_flash_claims_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_flash_claims" ADD CONSTRAINT "live_flash_claims_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_flash_claims" ADD CONSTRAINT "live_flash_claims_county_id_offer_id_live_flash_offers_county_id_id_fk" FOREIGN KEY ("county_id","offer_id") REFERENCES "public"."live_flash_offers"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_flash_offers" ADD CONSTRAINT "live_flash_offers_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_flash_offers" ADD CONSTRAINT "live_flash_offers_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_messages" ADD CONSTRAINT "live_messages_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_messages" ADD CONSTRAINT "live_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_messages" ADD CONSTRAINT "live_messages_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_messages" ADD CONSTRAINT "live_messages_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_products" ADD CONSTRAINT "live_session_products_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_session_products" ADD CONSTRAINT "live_session_products_county_id_session_id_live_sessions_county_id_id_fk" FOREIGN KEY ("county_id","session_id") REFERENCES "public"."live_sessions"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "live_flash_claims_one_per_buyer" ON "live_flash_claims" USING btree ("county_id","offer_id","buyer_id") WHERE status <> 'released';--> statement-breakpoint
CREATE INDEX "live_flash_claims_expiry_idx" ON "live_flash_claims" USING btree ("county_id","status","expires_at");--> statement-breakpoint
CREATE INDEX "live_flash_offers_session_idx" ON "live_flash_offers" USING btree ("county_id","session_id");--> statement-breakpoint
CREATE INDEX "live_messages_session_idx" ON "live_messages" USING btree ("county_id","session_id","created_at");--> statement-breakpoint
CREATE INDEX "live_messages_user_idx" ON "live_messages" USING btree ("county_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "live_sessions_status_idx" ON "live_sessions" USING btree ("county_id","status","scheduled_at");--> statement-breakpoint
CREATE INDEX "live_sessions_org_idx" ON "live_sessions" USING btree ("org_id");
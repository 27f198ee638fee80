CREATE TABLE "logistics_no_fly_zones" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"ring" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logistics_no_fly_zones_county_id_id_pk" PRIMARY KEY("county_id","id")
);
--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" DROP CONSTRAINT "logistics_plan_stops_status_check";--> statement-breakpoint
ALTER TABLE "logistics_plans" DROP CONSTRAINT "logistics_plans_status_check";--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD COLUMN "proof_kind" text;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD COLUMN "proof_key" text;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD COLUMN "proof_code" text;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD COLUMN "kept_from" uuid;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD COLUMN "kind" text DEFAULT 'delivery' NOT NULL;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD COLUMN "source" text DEFAULT 'entered' NOT NULL;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD COLUMN "priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD COLUMN "market_order_id" uuid;--> statement-breakpoint
ALTER TABLE "logistics_no_fly_zones" ADD CONSTRAINT "logistics_no_fly_zones_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_no_fly_zones" ADD CONSTRAINT "logistics_no_fly_zones_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_market_order_unique" UNIQUE("county_id","market_order_id");--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_proof_check" CHECK ("logistics_plan_stops"."proof_kind" is null or "logistics_plan_stops"."proof_kind" in ('photo', 'qr'));--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_status_check" CHECK (status in ('pending', 'picked_up', 'delivered', 'failed'));--> statement-breakpoint
ALTER TABLE "logistics_plans" ADD CONSTRAINT "logistics_plans_status_check" CHECK (status in ('solving', 'ready', 'failed', 'dispatched', 'completed', 'superseded'));--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_kind_check" CHECK (kind in ('delivery', 'pickup'));--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_source_check" CHECK (source in ('entered', 'import', 'market'));--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_priority_check" CHECK ("logistics_requests"."priority" between 0 and 2);
CREATE TABLE "logistics_depots" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"opens_min" integer DEFAULT 420 NOT NULL,
	"closes_min" integer DEFAULT 1140 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logistics_depots_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "logistics_depots_kind_check" CHECK (kind in ('hub', 'township')),
	CONSTRAINT "logistics_depots_hours_check" CHECK ("logistics_depots"."opens_min" >= 0 and "logistics_depots"."opens_min" < "logistics_depots"."closes_min" and "logistics_depots"."closes_min" <= 1440),
	CONSTRAINT "logistics_depots_coords_check" CHECK ("logistics_depots"."lon" between -180 and 180 and "logistics_depots"."lat" between -90 and 90)
);
--> statement-breakpoint
CREATE TABLE "logistics_plan_stops" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"request_id" uuid NOT NULL,
	"vehicle_id" uuid NOT NULL,
	"trip" integer NOT NULL,
	"seq" integer NOT NULL,
	"planned_at" timestamp with time zone NOT NULL,
	"load_kg" double precision NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	CONSTRAINT "logistics_plan_stops_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "logistics_plan_stops_request_unique" UNIQUE("county_id","plan_id","request_id"),
	CONSTRAINT "logistics_plan_stops_order_unique" UNIQUE("county_id","plan_id","vehicle_id","trip","seq"),
	CONSTRAINT "logistics_plan_stops_status_check" CHECK (status in ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "logistics_plans" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"service_date" date NOT NULL,
	"status" text DEFAULT 'solving' NOT NULL,
	"job_id" uuid,
	"inputs" jsonb,
	"result" jsonb,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"solved_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"dispatched_by" uuid,
	CONSTRAINT "logistics_plans_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "logistics_plans_status_check" CHECK (status in ('solving', 'ready', 'failed', 'dispatched', 'completed'))
);
--> statement-breakpoint
CREATE TABLE "logistics_requests" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"service_date" date NOT NULL,
	"weight_kg" double precision NOT NULL,
	"window_start_min" integer NOT NULL,
	"window_end_min" integer NOT NULL,
	"recipient" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logistics_requests_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "logistics_requests_status_check" CHECK (status in ('open', 'cancelled')),
	CONSTRAINT "logistics_requests_weight_check" CHECK ("logistics_requests"."weight_kg" > 0),
	CONSTRAINT "logistics_requests_window_check" CHECK ("logistics_requests"."window_start_min" >= 0 and "logistics_requests"."window_start_min" < "logistics_requests"."window_end_min" and "logistics_requests"."window_end_min" <= 1440)
);
--> statement-breakpoint
CREATE TABLE "logistics_vehicles" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"depot_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"capacity_kg" double precision NOT NULL,
	"speed_kmh" double precision NOT NULL,
	"battery_wh" double precision,
	"wh_per_km" double precision,
	"wh_per_km_kg" double precision,
	"mass_kg" double precision,
	"reload_min" integer DEFAULT 15 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logistics_vehicles_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "logistics_vehicles_kind_check" CHECK (kind in ('van', 'drone')),
	CONSTRAINT "logistics_vehicles_capacity_check" CHECK ("logistics_vehicles"."capacity_kg" > 0 and "logistics_vehicles"."speed_kmh" > 0 and "logistics_vehicles"."reload_min" >= 0),
	CONSTRAINT "logistics_vehicles_drone_check" CHECK ("logistics_vehicles"."kind" <> 'drone' or ("logistics_vehicles"."battery_wh" > 0 and "logistics_vehicles"."wh_per_km" > 0 and "logistics_vehicles"."wh_per_km_kg" >= 0 and "logistics_vehicles"."mass_kg" > 0))
);
--> statement-breakpoint
ALTER TABLE "logistics_depots" ADD CONSTRAINT "logistics_depots_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_depots" ADD CONSTRAINT "logistics_depots_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_county_id_plan_id_logistics_plans_county_id_id_fk" FOREIGN KEY ("county_id","plan_id") REFERENCES "public"."logistics_plans"("county_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_county_id_request_id_logistics_requests_county_id_id_fk" FOREIGN KEY ("county_id","request_id") REFERENCES "public"."logistics_requests"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plan_stops" ADD CONSTRAINT "logistics_plan_stops_county_id_vehicle_id_logistics_vehicles_county_id_id_fk" FOREIGN KEY ("county_id","vehicle_id") REFERENCES "public"."logistics_vehicles"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plans" ADD CONSTRAINT "logistics_plans_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plans" ADD CONSTRAINT "logistics_plans_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_plans" ADD CONSTRAINT "logistics_plans_dispatched_by_users_id_fk" FOREIGN KEY ("dispatched_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_requests" ADD CONSTRAINT "logistics_requests_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_vehicles" ADD CONSTRAINT "logistics_vehicles_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_vehicles" ADD CONSTRAINT "logistics_vehicles_county_id_depot_id_logistics_depots_county_id_id_fk" FOREIGN KEY ("county_id","depot_id") REFERENCES "public"."logistics_depots"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "logistics_plans_day_idx" ON "logistics_plans" USING btree ("county_id","service_date");--> statement-breakpoint
CREATE INDEX "logistics_requests_day_idx" ON "logistics_requests" USING btree ("county_id","service_date");
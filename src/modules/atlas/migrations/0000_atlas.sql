CREATE TABLE "atlas_asset_buildings" (
	"asset_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	CONSTRAINT "atlas_asset_buildings_asset_id_building_id_pk" PRIMARY KEY("asset_id","building_id")
);
--> statement-breakpoint
CREATE TABLE "atlas_asset_villages" (
	"asset_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	CONSTRAINT "atlas_asset_villages_asset_id_village_id_pk" PRIMARY KEY("asset_id","village_id")
);
--> statement-breakpoint
CREATE TABLE "atlas_buildings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"name" text NOT NULL,
	"name_pinyin" text DEFAULT '' NOT NULL,
	"type" text NOT NULL,
	"era" text DEFAULT '' NOT NULL,
	"build_year" integer,
	"protection_level" text DEFAULT 'none' NOT NULL,
	"structure" text DEFAULT '' NOT NULL,
	"materials" text DEFAULT '' NOT NULL,
	"current_use" text DEFAULT 'other' NOT NULL,
	"owner_type" text DEFAULT 'unknown' NOT NULL,
	"geometry" jsonb NOT NULL,
	"lon" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"min_lon" double precision NOT NULL,
	"min_lat" double precision NOT NULL,
	"max_lon" double precision NOT NULL,
	"max_lat" double precision NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"condition" integer,
	"search_text" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "atlas_buildings_type_check" CHECK (type in ('dwelling', 'ancestral_hall', 'temple', 'bridge', 'well', 'pavilion', 'tea_house', 'workshop', 'school', 'gate', 'pagoda', 'other')),
	CONSTRAINT "atlas_buildings_protection_check" CHECK (protection_level in ('national', 'provincial', 'county', 'listed', 'none')),
	CONSTRAINT "atlas_buildings_use_check" CHECK (current_use in ('vacant', 'residence', 'inn', 'workshop', 'public', 'religious', 'commercial', 'storage', 'other')),
	CONSTRAINT "atlas_buildings_owner_check" CHECK (owner_type in ('private', 'collective', 'state', 'clan', 'religious', 'unknown')),
	CONSTRAINT "atlas_buildings_lon_check" CHECK ("atlas_buildings"."lon" between -180 and 180 and "atlas_buildings"."min_lon" between -180 and 180 and "atlas_buildings"."max_lon" between -180 and 180),
	CONSTRAINT "atlas_buildings_lat_check" CHECK ("atlas_buildings"."lat" between -90 and 90 and "atlas_buildings"."min_lat" between -90 and 90 and "atlas_buildings"."max_lat" between -90 and 90),
	CONSTRAINT "atlas_buildings_condition_check" CHECK ("atlas_buildings"."condition" is null or "atlas_buildings"."condition" between 1 and 5),
	CONSTRAINT "atlas_buildings_year_check" CHECK ("atlas_buildings"."build_year" is null or "atlas_buildings"."build_year" between 600 and 2100)
);
--> statement-breakpoint
CREATE TABLE "atlas_condition_assessments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"grade" integer NOT NULL,
	"assessed_on" date NOT NULL,
	"assessor" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "atlas_assessment_grade_check" CHECK ("atlas_condition_assessments"."grade" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "atlas_cultural_assets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"name_pinyin" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"seasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"dates" text DEFAULT '' NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "atlas_assets_kind_check" CHECK (kind in ('craft', 'festival', 'cuisine', 'custom', 'performing_art')),
	CONSTRAINT "atlas_assets_seasons_check" CHECK ("atlas_cultural_assets"."seasons" <@ array['spring', 'summer', 'autumn', 'winter', 'all_year']::text[])
);
--> statement-breakpoint
CREATE TABLE "atlas_photos" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"building_id" uuid,
	"asset_id" uuid,
	"storage_key" text NOT NULL,
	"thumb_key" text NOT NULL,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"caption" text DEFAULT '' NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "atlas_photos_type_check" CHECK (content_type in ('image/jpeg', 'image/png', 'image/webp')),
	CONSTRAINT "atlas_photos_owner_check" CHECK ("atlas_photos"."building_id" is null or "atlas_photos"."asset_id" is null)
);
--> statement-breakpoint
CREATE TABLE "atlas_village_profiles" (
	"unit_id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"registered_population" integer,
	"resident_population" integer,
	"altitude_m" integer,
	"listing_level" text,
	"listing_batch" integer,
	"story" text DEFAULT '' NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "atlas_village_listing_check" CHECK ("atlas_village_profiles"."listing_level" is null or listing_level in ('national', 'provincial')),
	CONSTRAINT "atlas_village_pop_check" CHECK (coalesce("atlas_village_profiles"."registered_population", 0) >= 0 and coalesce("atlas_village_profiles"."resident_population", 0) >= 0),
	CONSTRAINT "atlas_village_altitude_check" CHECK ("atlas_village_profiles"."altitude_m" is null or "atlas_village_profiles"."altitude_m" between -500 and 9000),
	CONSTRAINT "atlas_village_batch_check" CHECK ("atlas_village_profiles"."listing_batch" is null or "atlas_village_profiles"."listing_batch" between 1 and 20)
);
--> statement-breakpoint
ALTER TABLE "atlas_asset_buildings" ADD CONSTRAINT "atlas_asset_buildings_asset_id_atlas_cultural_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."atlas_cultural_assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_asset_buildings" ADD CONSTRAINT "atlas_asset_buildings_building_id_atlas_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."atlas_buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_asset_villages" ADD CONSTRAINT "atlas_asset_villages_asset_id_atlas_cultural_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."atlas_cultural_assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_asset_villages" ADD CONSTRAINT "atlas_asset_villages_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_buildings" ADD CONSTRAINT "atlas_buildings_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_buildings" ADD CONSTRAINT "atlas_buildings_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_condition_assessments" ADD CONSTRAINT "atlas_condition_assessments_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_condition_assessments" ADD CONSTRAINT "atlas_condition_assessments_building_id_atlas_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."atlas_buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_condition_assessments" ADD CONSTRAINT "atlas_condition_assessments_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_cultural_assets" ADD CONSTRAINT "atlas_cultural_assets_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_cultural_assets" ADD CONSTRAINT "atlas_cultural_assets_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_photos" ADD CONSTRAINT "atlas_photos_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_photos" ADD CONSTRAINT "atlas_photos_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_photos" ADD CONSTRAINT "atlas_photos_building_id_atlas_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."atlas_buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_photos" ADD CONSTRAINT "atlas_photos_asset_id_atlas_cultural_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."atlas_cultural_assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_photos" ADD CONSTRAINT "atlas_photos_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_village_profiles" ADD CONSTRAINT "atlas_village_profiles_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_village_profiles" ADD CONSTRAINT "atlas_village_profiles_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "atlas_asset_buildings_building_idx" ON "atlas_asset_buildings" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "atlas_asset_villages_village_idx" ON "atlas_asset_villages" USING btree ("village_id");--> statement-breakpoint
CREATE INDEX "atlas_buildings_village_idx" ON "atlas_buildings" USING btree ("village_id");--> statement-breakpoint
CREATE INDEX "atlas_buildings_lonlat_idx" ON "atlas_buildings" USING btree ("county_id","lon","lat");--> statement-breakpoint
CREATE INDEX "atlas_buildings_search_idx" ON "atlas_buildings" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "atlas_assessment_building_idx" ON "atlas_condition_assessments" USING btree ("building_id","assessed_on");--> statement-breakpoint
CREATE INDEX "atlas_assets_village_idx" ON "atlas_cultural_assets" USING btree ("village_id");--> statement-breakpoint
CREATE INDEX "atlas_assets_search_idx" ON "atlas_cultural_assets" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "atlas_photos_village_idx" ON "atlas_photos" USING btree ("village_id");--> statement-breakpoint
CREATE INDEX "atlas_photos_building_idx" ON "atlas_photos" USING btree ("building_id");
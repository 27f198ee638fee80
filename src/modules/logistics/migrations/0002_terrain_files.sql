CREATE TABLE "logistics_terrain_files" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"storage_key" text NOT NULL,
	"bytes" integer NOT NULL,
	"arc_seconds" double precision NOT NULL,
	"min_lon" double precision NOT NULL,
	"min_lat" double precision NOT NULL,
	"max_lon" double precision NOT NULL,
	"max_lat" double precision NOT NULL,
	"min_elevation_m" double precision NOT NULL,
	"max_elevation_m" double precision NOT NULL,
	"ncols" integer NOT NULL,
	"nrows" integer NOT NULL,
	"xll" double precision NOT NULL,
	"yll" double precision NOT NULL,
	"cell" double precision NOT NULL,
	"grid" text NOT NULL,
	"covered" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "logistics_terrain_files_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "logistics_terrain_files_format_check" CHECK (format in ('hgt', 'geotiff'))
);
--> statement-breakpoint
ALTER TABLE "logistics_terrain_files" ADD CONSTRAINT "logistics_terrain_files_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logistics_terrain_files" ADD CONSTRAINT "logistics_terrain_files_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "logistics_terrain_files_active" ON "logistics_terrain_files" USING btree ("county_id","active");
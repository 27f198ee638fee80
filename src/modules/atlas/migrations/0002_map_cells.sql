CREATE TABLE "atlas_map_cells" (
	"z" integer NOT NULL,
	"gx" integer NOT NULL,
	"gy" integer NOT NULL,
	"village_id" uuid NOT NULL,
	"type" text NOT NULL,
	"protection_level" text NOT NULL,
	"n" integer NOT NULL,
	"sum_lon" double precision NOT NULL,
	"sum_lat" double precision NOT NULL,
	"c0" integer NOT NULL,
	"c1" integer NOT NULL,
	"c2" integer NOT NULL,
	"c3" integer NOT NULL,
	"c4" integer NOT NULL,
	"c5" integer NOT NULL,
	CONSTRAINT "atlas_map_cells_z_village_id_gx_gy_type_protection_level_pk" PRIMARY KEY("z","village_id","gx","gy","type","protection_level")
);
--> statement-breakpoint
ALTER TABLE "atlas_map_cells" ADD CONSTRAINT "atlas_map_cells_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "atlas_map_cells_grid_idx" ON "atlas_map_cells" USING btree ("z","gx","gy");
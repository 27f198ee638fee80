CREATE TABLE "indicator_settings" (
	"county_id" uuid PRIMARY KEY NOT NULL,
	"method" text DEFAULT 'weighted' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_settings_method_check" CHECK (method in ('weighted', 'entropy_topsis'))
);
--> statement-breakpoint
ALTER TABLE "indicator_settings" ADD CONSTRAINT "indicator_settings_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;
CREATE TABLE "indicator_definition_versions" (
	"county_id" uuid NOT NULL,
	"definition_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"pillar" text NOT NULL,
	"unit" text NOT NULL,
	"direction" text NOT NULL,
	"aggregation" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_definition_versions_county_id_definition_id_version_pk" PRIMARY KEY("county_id","definition_id","version")
);
--> statement-breakpoint
ALTER TABLE "indicator_definitions" ADD COLUMN "aggregation" text DEFAULT 'sum' NOT NULL;--> statement-breakpoint
ALTER TABLE "indicator_definitions" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "indicator_observations" ADD COLUMN "definition_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "indicator_scores" ADD COLUMN "weighted_score" double precision;--> statement-breakpoint
ALTER TABLE "indicator_scores" ADD COLUMN "entropy_score" double precision;--> statement-breakpoint
ALTER TABLE "indicator_definition_versions" ADD CONSTRAINT "indicator_definition_versions_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_definition_versions" ADD CONSTRAINT "indicator_definition_versions_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_definition_versions" ADD CONSTRAINT "indicator_definition_versions_definition_fk" FOREIGN KEY ("county_id","definition_id") REFERENCES "public"."indicator_definitions"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_definitions" ADD CONSTRAINT "indicator_definitions_aggregation_check" CHECK (aggregation in ('sum', 'mean'));--> statement-breakpoint
ALTER TABLE "indicator_definitions" ADD CONSTRAINT "indicator_definitions_version_check" CHECK ("indicator_definitions"."version" >= 1);--> statement-breakpoint
UPDATE "indicator_definitions" SET "aggregation" = 'mean' WHERE "unit" = '%' OR "code" = 'econ.income';--> statement-breakpoint
INSERT INTO "indicator_definition_versions" ("county_id", "definition_id", "version", "name_zh", "name_en", "pillar", "unit", "direction", "aggregation", "changed_at")
SELECT "county_id", "id", 1, "name_zh", "name_en", "pillar", "unit", "direction", "aggregation", "created_at" FROM "indicator_definitions";

CREATE TABLE "indicator_definitions" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"pillar" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"direction" text DEFAULT 'higher' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"computed_key" text,
	"weight" double precision DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_definitions_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "indicator_definitions_code_unique" UNIQUE("county_id","code"),
	CONSTRAINT "indicator_definitions_pillar_check" CHECK (pillar in ('economy', 'culture', 'ecology', 'people')),
	CONSTRAINT "indicator_definitions_direction_check" CHECK (direction in ('higher', 'lower')),
	CONSTRAINT "indicator_definitions_source_check" CHECK (source in ('manual', 'computed')),
	CONSTRAINT "indicator_definitions_computed_check" CHECK (("indicator_definitions"."source" = 'computed') = ("indicator_definitions"."computed_key" is not null)),
	CONSTRAINT "indicator_definitions_weight_check" CHECK ("indicator_definitions"."weight" > 0 and "indicator_definitions"."weight" <= 100)
);
--> statement-breakpoint
CREATE TABLE "indicator_observations" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"indicator_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"period" integer NOT NULL,
	"value" double precision NOT NULL,
	"source" text NOT NULL,
	"provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_observations_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "indicator_observations_unique" UNIQUE("county_id","indicator_id","unit_id","period"),
	CONSTRAINT "indicator_observations_period_check" CHECK ("indicator_observations"."period" between 2000 and 2100),
	CONSTRAINT "indicator_observations_source_check" CHECK (source in ('manual', 'computed'))
);
--> statement-breakpoint
CREATE TABLE "indicator_pillar_weights" (
	"county_id" uuid NOT NULL,
	"pillar" text NOT NULL,
	"weight" double precision NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_pillar_weights_county_id_pillar_pk" PRIMARY KEY("county_id","pillar"),
	CONSTRAINT "indicator_pillar_weights_pillar_check" CHECK (pillar in ('economy', 'culture', 'ecology', 'people')),
	CONSTRAINT "indicator_pillar_weights_weight_check" CHECK ("indicator_pillar_weights"."weight" >= 0 and "indicator_pillar_weights"."weight" <= 100)
);
--> statement-breakpoint
CREATE TABLE "indicator_scores" (
	"county_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"period" integer NOT NULL,
	"score" double precision NOT NULL,
	"rank" integer NOT NULL,
	"pillars" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"job_id" uuid,
	CONSTRAINT "indicator_scores_county_id_period_unit_id_pk" PRIMARY KEY("county_id","period","unit_id"),
	CONSTRAINT "indicator_scores_score_check" CHECK ("indicator_scores"."score" >= 0 and "indicator_scores"."score" <= 100),
	CONSTRAINT "indicator_scores_rank_check" CHECK ("indicator_scores"."rank" >= 1)
);
--> statement-breakpoint
CREATE TABLE "indicator_targets" (
	"county_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"indicator_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"period" integer NOT NULL,
	"value" double precision NOT NULL,
	"set_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicator_targets_county_id_id_pk" PRIMARY KEY("county_id","id"),
	CONSTRAINT "indicator_targets_unique" UNIQUE("county_id","indicator_id","unit_id","period"),
	CONSTRAINT "indicator_targets_period_check" CHECK ("indicator_targets"."period" between 2000 and 2100)
);
--> statement-breakpoint
ALTER TABLE "indicator_definitions" ADD CONSTRAINT "indicator_definitions_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_observations" ADD CONSTRAINT "indicator_observations_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_observations" ADD CONSTRAINT "indicator_observations_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_observations" ADD CONSTRAINT "indicator_observations_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_observations" ADD CONSTRAINT "indicator_observations_definition_fk" FOREIGN KEY ("county_id","indicator_id") REFERENCES "public"."indicator_definitions"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_pillar_weights" ADD CONSTRAINT "indicator_pillar_weights_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_scores" ADD CONSTRAINT "indicator_scores_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_scores" ADD CONSTRAINT "indicator_scores_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_targets" ADD CONSTRAINT "indicator_targets_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_targets" ADD CONSTRAINT "indicator_targets_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_targets" ADD CONSTRAINT "indicator_targets_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_targets" ADD CONSTRAINT "indicator_targets_definition_fk" FOREIGN KEY ("county_id","indicator_id") REFERENCES "public"."indicator_definitions"("county_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "indicator_observations_period_idx" ON "indicator_observations" USING btree ("county_id","period");
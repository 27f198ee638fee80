CREATE TABLE "intervention_budget_rounds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"name" text NOT NULL,
	"budget_fen" bigint NOT NULL,
	"params" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"result" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"solved_at" timestamp with time zone,
	CONSTRAINT "intervention_budget_rounds_budget_check" CHECK ("intervention_budget_rounds"."budget_fen" > 0),
	CONSTRAINT "intervention_budget_rounds_status_check" CHECK (status in ('open', 'solved', 'applied'))
);
--> statement-breakpoint
CREATE TABLE "intervention_comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"parent_id" uuid,
	"author_id" uuid NOT NULL,
	"body" text NOT NULL,
	"hidden" boolean DEFAULT false NOT NULL,
	"moderation_reason" text,
	"moderated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_comments_body_check" CHECK (length("intervention_comments"."body") between 1 and 4000),
	CONSTRAINT "intervention_comments_hidden_check" CHECK (not "intervention_comments"."hidden" or "intervention_comments"."moderation_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "intervention_milestones" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"title" text NOT NULL,
	"due_on" date NOT NULL,
	"done_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention_notification_reads" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"read_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention_notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"intervention_id" uuid NOT NULL,
	"user_id" uuid,
	"role" text,
	"unit_id" uuid,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_notifications_to_check" CHECK (("intervention_notifications"."user_id" is not null) <> ("intervention_notifications"."role" is not null and "intervention_notifications"."unit_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "intervention_rule_settings" (
	"county_id" uuid PRIMARY KEY NOT NULL,
	"params" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention_spend" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"spent_on" date NOT NULL,
	"over_budget_override" boolean DEFAULT false NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_spend_amount_check" CHECK ("intervention_spend"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE TABLE "intervention_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"actor_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_transitions_to_check" CHECK (to_status in ('draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'completed', 'evaluated', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "intervention_votes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"stance" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intervention_votes_stance_check" CHECK (stance in ('support', 'oppose'))
);
--> statement-breakpoint
CREATE TABLE "interventions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"county_id" uuid NOT NULL,
	"township_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"proposer_id" uuid NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"site" text DEFAULT '' NOT NULL,
	"building_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"buildings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"changes" jsonb NOT NULL,
	"conservation_plan_url" text,
	"media" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cost_fen" bigint NOT NULL,
	"fund_county_fen" bigint DEFAULT 0 NOT NULL,
	"fund_provincial_fen" bigint DEFAULT 0 NOT NULL,
	"fund_village_fen" bigint DEFAULT 0 NOT NULL,
	"fund_private_fen" bigint DEFAULT 0 NOT NULL,
	"duration_months" integer NOT NULL,
	"outcomes" jsonb NOT NULL,
	"risks" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"rule_report" jsonb,
	"rejection_reason" text,
	"rejected_at_status" text,
	"review_finished_at" timestamp with time zone,
	"funded_fen" bigint DEFAULT 0 NOT NULL,
	"spent_fen" bigint DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"actual_outcomes" jsonb,
	"evaluation" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "interventions_status_check" CHECK (status in ('draft', 'submitted', 'village_approved', 'township_reviewed', 'county_approved', 'funded', 'in_progress', 'completed', 'evaluated', 'rejected')),
	CONSTRAINT "interventions_type_check" CHECK (type in ('restoration', 'reuse_inn', 'reuse_tea_workshop', 'reuse_museum', 'reuse_library', 'reuse_craft_workshop', 'reuse_public_space', 'infra_water', 'infra_sewage', 'infra_paths', 'infra_lighting', 'infra_broadband', 'infra_landscape')),
	CONSTRAINT "interventions_cost_check" CHECK ("interventions"."cost_fen" > 0),
	CONSTRAINT "interventions_funding_check" CHECK ("interventions"."fund_county_fen" >= 0 and "interventions"."fund_provincial_fen" >= 0 and "interventions"."fund_village_fen" >= 0 and "interventions"."fund_private_fen" >= 0 and "interventions"."fund_county_fen" + "interventions"."fund_provincial_fen" + "interventions"."fund_village_fen" + "interventions"."fund_private_fen" = "interventions"."cost_fen"),
	CONSTRAINT "interventions_duration_check" CHECK ("interventions"."duration_months" between 1 and 120),
	CONSTRAINT "interventions_money_check" CHECK ("interventions"."funded_fen" >= 0 and "interventions"."spent_fen" >= 0),
	CONSTRAINT "interventions_rejection_check" CHECK (("interventions"."status" = 'rejected') = ("interventions"."rejection_reason" is not null))
);
--> statement-breakpoint
ALTER TABLE "intervention_budget_rounds" ADD CONSTRAINT "intervention_budget_rounds_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_budget_rounds" ADD CONSTRAINT "intervention_budget_rounds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_comments" ADD CONSTRAINT "intervention_comments_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_comments" ADD CONSTRAINT "intervention_comments_parent_id_intervention_comments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."intervention_comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_comments" ADD CONSTRAINT "intervention_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_comments" ADD CONSTRAINT "intervention_comments_moderated_by_users_id_fk" FOREIGN KEY ("moderated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_milestones" ADD CONSTRAINT "intervention_milestones_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_notification_reads" ADD CONSTRAINT "intervention_notification_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_notifications" ADD CONSTRAINT "intervention_notifications_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_notifications" ADD CONSTRAINT "intervention_notifications_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_notifications" ADD CONSTRAINT "intervention_notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_notifications" ADD CONSTRAINT "intervention_notifications_unit_id_admin_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_rule_settings" ADD CONSTRAINT "intervention_rule_settings_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_rule_settings" ADD CONSTRAINT "intervention_rule_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_spend" ADD CONSTRAINT "intervention_spend_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_spend" ADD CONSTRAINT "intervention_spend_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_transitions" ADD CONSTRAINT "intervention_transitions_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_transitions" ADD CONSTRAINT "intervention_transitions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_votes" ADD CONSTRAINT "intervention_votes_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_votes" ADD CONSTRAINT "intervention_votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_votes" ADD CONSTRAINT "intervention_votes_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_township_id_admin_units_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_village_id_admin_units_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_proposer_id_users_id_fk" FOREIGN KEY ("proposer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "intervention_comments_idx" ON "intervention_comments" USING btree ("intervention_id","created_at");--> statement-breakpoint
CREATE INDEX "intervention_milestones_idx" ON "intervention_milestones" USING btree ("intervention_id","due_on");--> statement-breakpoint
CREATE INDEX "intervention_notifications_user_idx" ON "intervention_notifications" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "intervention_notifications_role_idx" ON "intervention_notifications" USING btree ("role","unit_id","created_at");--> statement-breakpoint
CREATE INDEX "intervention_spend_idx" ON "intervention_spend" USING btree ("intervention_id","spent_on");--> statement-breakpoint
CREATE INDEX "intervention_transitions_idx" ON "intervention_transitions" USING btree ("intervention_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_transitions_once" ON "intervention_transitions" USING btree ("intervention_id","from_status","to_status");--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_votes_one_each" ON "intervention_votes" USING btree ("intervention_id","user_id");--> statement-breakpoint
CREATE INDEX "interventions_village_idx" ON "interventions" USING btree ("village_id","status");--> statement-breakpoint
CREATE INDEX "interventions_status_idx" ON "interventions" USING btree ("county_id","status");
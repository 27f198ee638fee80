CREATE TABLE "payment_payouts" (
	"id" uuid NOT NULL,
	"county_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"amount_fen" integer NOT NULL,
	"reference" text NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_payouts_id_county_id_pk" PRIMARY KEY("id","county_id"),
	CONSTRAINT "payment_payouts_amount_check" CHECK ("payment_payouts"."amount_fen" > 0),
	CONSTRAINT "payment_payouts_period_check" CHECK ("payment_payouts"."period_from" <= "payment_payouts"."period_to")
);
--> statement-breakpoint
ALTER TABLE "payment_payouts" ADD CONSTRAINT "payment_payouts_county_id_admin_units_id_fk" FOREIGN KEY ("county_id") REFERENCES "public"."admin_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_payouts" ADD CONSTRAINT "payment_payouts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_payouts" ADD CONSTRAINT "payment_payouts_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_payouts_org_idx" ON "payment_payouts" USING btree ("county_id","org_id","period_from");
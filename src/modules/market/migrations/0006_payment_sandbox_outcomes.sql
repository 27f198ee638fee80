CREATE TABLE "payment_sandbox_outcomes" (
	"payment_id" uuid PRIMARY KEY NOT NULL,
	"provider_reference" text NOT NULL,
	"outcome" text NOT NULL,
	"transaction_reference" text NOT NULL,
	"nonce" text NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_sandbox_outcomes_outcome_check" CHECK (outcome in ('succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "payment_sandbox_outcomes" ADD CONSTRAINT "payment_sandbox_outcomes_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_sandbox_outcomes_reference_unique" ON "payment_sandbox_outcomes" USING btree ("provider_reference");
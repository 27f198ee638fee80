-- Purposes are registered by the modules that take payments (order, booking, flash offers…), not listed here.
ALTER TABLE "payments" DROP CONSTRAINT IF EXISTS "payments_purpose_check";--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_purpose_format" CHECK ("payments"."purpose" ~ '^[a-z][a-z_]{1,39}$');

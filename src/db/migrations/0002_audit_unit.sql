ALTER TABLE "audit_log" ADD COLUMN "unit_id" uuid;--> statement-breakpoint
CREATE INDEX "audit_log_county_at_idx" ON "audit_log" USING btree ("county_id","at");--> statement-breakpoint
-- Rows written before the column: their unit, where the details named one.
UPDATE "audit_log" SET "unit_id" = COALESCE("details"->>'unitId', "details"->>'villageId')::uuid
WHERE COALESCE("details"->>'unitId', "details"->>'villageId') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

ALTER TABLE "live_flash_claims" ADD COLUMN "order_id" uuid;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD COLUMN "streaming_since" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "live_flash_claims_order_unique" ON "live_flash_claims" USING btree ("order_id","county_id");
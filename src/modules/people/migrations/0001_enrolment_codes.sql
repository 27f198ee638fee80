ALTER TABLE "people_residents" ADD COLUMN "invite_hash" text;--> statement-breakpoint
ALTER TABLE "people_residents" ADD COLUMN "invite_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "people_residents_invite_unique" ON "people_residents" USING btree ("county_id","invite_hash");
ALTER TABLE "inns" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "inns_search_idx" ON "inns" USING gin ("search_text" gin_trgm_ops);
ALTER TABLE "people_jobs" ADD COLUMN "title_en" text;--> statement-breakpoint
ALTER TABLE "people_programmes" ADD COLUMN "title_en" text;
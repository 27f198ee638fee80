ALTER TABLE "interventions" ADD COLUMN "lon" double precision;--> statement-breakpoint
ALTER TABLE "interventions" ADD COLUMN "lat" double precision;
ALTER TABLE "market_trace_events" ADD COLUMN "place_unit_id" uuid;--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD COLUMN "place_lon" double precision;--> statement-breakpoint
ALTER TABLE "market_trace_events" ADD COLUMN "place_lat" double precision;
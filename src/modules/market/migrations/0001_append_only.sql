-- Trace events are a tamper-evident history: a correction is a new event, never an edit or a deletion.
CREATE OR REPLACE FUNCTION market_trace_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trace events are append-only' USING ERRCODE = '23514', CONSTRAINT = 'market_trace_events_append_only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER market_trace_events_no_change BEFORE UPDATE OR DELETE ON market_trace_events
  FOR EACH ROW EXECUTE FUNCTION market_trace_events_append_only();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION payment_callbacks_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'payment callbacks are append-only' USING ERRCODE = '23514', CONSTRAINT = 'payment_callbacks_append_only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER payment_callbacks_no_change BEFORE UPDATE OR DELETE ON payment_callbacks
  FOR EACH ROW EXECUTE FUNCTION payment_callbacks_append_only();

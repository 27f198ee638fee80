-- A batch's certificates and test reports are part of its tamper-evident history, like its trace events: a
-- correction is a new document cited by a new event, never an edit or a deletion of the row (the event chain
-- holds each file's sha256, and the trace page re-hashes the stored file).
CREATE OR REPLACE FUNCTION market_trace_documents_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trace documents are append-only' USING ERRCODE = '23514', CONSTRAINT = 'market_trace_documents_append_only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER market_trace_documents_no_change BEFORE UPDATE OR DELETE ON market_trace_documents
  FOR EACH ROW EXECUTE FUNCTION market_trace_documents_append_only();

-- A batch's certificates and test reports are part of its tamper-evident history, like its trace events: a
-- correction is a new document cited by a new event, never an edit or a deletion of the row (the event chain
-- holds each file's sha256, and the trace page re-hashes the stored file).
-- One trigger function serves any append-only table: it names the table it refuses to change.
CREATE OR REPLACE FUNCTION append_only_row() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = '23514', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER market_trace_documents_no_change BEFORE UPDATE OR DELETE ON market_trace_documents
  FOR EACH ROW EXECUTE FUNCTION append_only_row();

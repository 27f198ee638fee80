-- Condition assessments are a dated history: a correction is a new assessment, never an edit or a deletion.
CREATE OR REPLACE FUNCTION atlas_assessments_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'condition assessments are append-only' USING ERRCODE = '23514', CONSTRAINT = 'atlas_assessments_append_only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER atlas_assessments_no_change BEFORE UPDATE OR DELETE ON atlas_condition_assessments
  FOR EACH ROW EXECUTE FUNCTION atlas_assessments_append_only();

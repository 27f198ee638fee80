-- Grid summaries of the buildings for zoomed-out maps (see atlasMapCells in schema.ts), kept in step by
-- statement-level triggers with transition tables: one grouped upsert per statement, so a bulk import of
-- 10,000 rows costs one pass, not 10,000 row triggers. Levels 8-12 must match MAP_CELL_ZOOMS.
CREATE OR REPLACE FUNCTION atlas_map_cells_remove() RETURNS trigger AS $$
BEGIN
  INSERT INTO atlas_map_cells AS c (z, gx, gy, village_id, type, protection_level, n, sum_lon, sum_lat, c0, c1, c2, c3, c4, c5)
    SELECT z.z, floor(b.lon / (360.0::float8 / power(2::float8, z.z + 2)))::int, floor(b.lat / (360.0::float8 / power(2::float8, z.z + 2)))::int,
      b.village_id, b.type, b.protection_level, -count(*), -sum(b.lon), -sum(b.lat), -count(*) filter (where b.condition is null), -count(*) filter (where b.condition = 1), -count(*) filter (where b.condition = 2), -count(*) filter (where b.condition = 3), -count(*) filter (where b.condition = 4), -count(*) filter (where b.condition = 5)
    FROM old_rows b CROSS JOIN (VALUES (8), (9), (10), (11), (12)) AS z(z)
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (z, village_id, gx, gy, type, protection_level) DO UPDATE SET
      n = c.n + excluded.n, sum_lon = c.sum_lon + excluded.sum_lon, sum_lat = c.sum_lat + excluded.sum_lat,
      c0 = c.c0 + excluded.c0, c1 = c.c1 + excluded.c1, c2 = c.c2 + excluded.c2, c3 = c.c3 + excluded.c3, c4 = c.c4 + excluded.c4, c5 = c.c5 + excluded.c5;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION atlas_map_cells_add() RETURNS trigger AS $$
BEGIN
  INSERT INTO atlas_map_cells AS c (z, gx, gy, village_id, type, protection_level, n, sum_lon, sum_lat, c0, c1, c2, c3, c4, c5)
    SELECT z.z, floor(b.lon / (360.0::float8 / power(2::float8, z.z + 2)))::int, floor(b.lat / (360.0::float8 / power(2::float8, z.z + 2)))::int,
      b.village_id, b.type, b.protection_level, count(*), sum(b.lon), sum(b.lat), count(*) filter (where b.condition is null), count(*) filter (where b.condition = 1), count(*) filter (where b.condition = 2), count(*) filter (where b.condition = 3), count(*) filter (where b.condition = 4), count(*) filter (where b.condition = 5)
    FROM new_rows b CROSS JOIN (VALUES (8), (9), (10), (11), (12)) AS z(z)
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (z, village_id, gx, gy, type, protection_level) DO UPDATE SET
      n = c.n + excluded.n, sum_lon = c.sum_lon + excluded.sum_lon, sum_lat = c.sum_lat + excluded.sum_lat,
      c0 = c.c0 + excluded.c0, c1 = c.c1 + excluded.c1, c2 = c.c2 + excluded.c2, c3 = c.c3 + excluded.c3, c4 = c.c4 + excluded.c4, c5 = c.c5 + excluded.c5;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER atlas_map_cells_on_insert AFTER INSERT ON atlas_buildings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION atlas_map_cells_add();
--> statement-breakpoint
CREATE TRIGGER atlas_map_cells_on_delete AFTER DELETE ON atlas_buildings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION atlas_map_cells_remove();
--> statement-breakpoint
-- An update is the old rows out and the new rows in (two triggers; they fire in name order).
CREATE TRIGGER atlas_map_cells_on_update_1 AFTER UPDATE ON atlas_buildings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION atlas_map_cells_remove();
--> statement-breakpoint
CREATE TRIGGER atlas_map_cells_on_update_2 AFTER UPDATE ON atlas_buildings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION atlas_map_cells_add();
--> statement-breakpoint
-- Buildings recorded before this migration.
INSERT INTO atlas_map_cells AS c (z, gx, gy, village_id, type, protection_level, n, sum_lon, sum_lat, c0, c1, c2, c3, c4, c5)
    SELECT z.z, floor(b.lon / (360.0::float8 / power(2::float8, z.z + 2)))::int, floor(b.lat / (360.0::float8 / power(2::float8, z.z + 2)))::int,
      b.village_id, b.type, b.protection_level, count(*), sum(b.lon), sum(b.lat), count(*) filter (where b.condition is null), count(*) filter (where b.condition = 1), count(*) filter (where b.condition = 2), count(*) filter (where b.condition = 3), count(*) filter (where b.condition = 4), count(*) filter (where b.condition = 5)
    FROM atlas_buildings b CROSS JOIN (VALUES (8), (9), (10), (11), (12)) AS z(z)
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (z, village_id, gx, gy, type, protection_level) DO UPDATE SET
      n = c.n + excluded.n, sum_lon = c.sum_lon + excluded.sum_lon, sum_lat = c.sum_lat + excluded.sum_lat,
      c0 = c.c0 + excluded.c0, c1 = c.c1 + excluded.c1, c2 = c.c2 + excluded.c2, c3 = c.c3 + excluded.c3, c4 = c.c4 + excluded.c4, c5 = c.c5 + excluded.c5;

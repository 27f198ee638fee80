import { sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDriver, freshDatabase, type TestDatabase } from '../../test/support/db.ts';
import { distributionProblems } from './distribution.ts';
import { GLOBAL_TABLES } from './global-tables.ts';

describeEachDriver('distribution by county', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(driver);
  });
  afterAll(() => t.dispose());

  it('every table of the migrated schema is global or keyed by county_id throughout', async () => {
    expect(await distributionProblems(t.db)).toEqual([]);
  });

  it('names every global table with its reason and placement', () => {
    for (const [name, g] of Object.entries(GLOBAL_TABLES)) {
      expect(g.reason.length, name).toBeGreaterThan(40);
      expect(['reference', 'local'], name).toContain(g.placement);
    }
  });

  it('names a table without county_id, and keys between tenant tables that leave the county out', async () => {
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`create table probe_loose (id uuid primary key, name text not null)`);
      await tx.execute(sql`create table probe_nullable (county_id uuid, id uuid not null, primary key (id))`);
      await tx.execute(sql`create table probe_parent (county_id uuid not null, id uuid not null, code text not null, primary key (county_id, id), unique (id))`);
      await tx.execute(sql`create unique index probe_parent_code_unique on probe_parent (code)`);
      await tx.execute(sql`create unique index probe_parent_county_code_unique on probe_parent (county_id, lower(code))`);
      await tx.execute(sql`create table probe_child (county_id uuid not null, id uuid not null, parent_id uuid not null references probe_parent (id),
        other_id uuid, primary key (county_id, id), foreign key (county_id, other_id) references probe_parent (county_id, id))`);
      // The county's column paired with another column of the parent: not a key within the county.
      await tx.execute(sql`create table probe_crossed (county_id uuid not null, id uuid not null, parent_id uuid not null, primary key (county_id, id),
        foreign key (parent_id, county_id) references probe_parent (county_id, id))`);
      await tx.execute(sql`create table probe_global (id uuid primary key, parent_county uuid, parent_id uuid,
        foreign key (parent_county, parent_id) references probe_parent (county_id, id))`);
      await tx.execute(sql`create table probe_reference (id uuid primary key)`);
      await tx.execute(sql`create table probe_uses_reference (county_id uuid not null, id uuid not null, ref_id uuid references probe_reference (id), primary key (county_id, id))`);

      const problems = await distributionProblems(tx, { ...GLOBAL_TABLES, probe_global: {}, probe_reference: {}, probe_gone: {} });
      const about = (table: string) => problems.filter((p) => p.startsWith(`${table}:`));
      expect(about('probe_loose')).toEqual([
        'probe_loose: neither global nor keyed by county_id (no county_id column)',
        'probe_loose: primary key probe_loose_pkey (id) does not include county_id',
      ]);
      expect(about('probe_nullable')).toEqual([
        'probe_nullable: county_id may be null',
        'probe_nullable: primary key probe_nullable_pkey (id) does not include county_id',
      ]);
      expect(about('probe_parent')).toEqual([
        'probe_parent: unique index probe_parent_code_unique (code) does not include county_id',
        'probe_parent: unique constraint probe_parent_id_key (id) does not include county_id',
      ]);
      expect(about('probe_child')).toEqual([
        'probe_child: foreign key probe_child_parent_id_fkey (parent_id) → probe_parent (id) does not match on county_id',
      ]);
      expect(about('probe_crossed')).toEqual([
        'probe_crossed: foreign key probe_crossed_parent_id_county_id_fkey (parent_id, county_id) → probe_parent (county_id, id) does not match on county_id',
      ]);
      expect(about('probe_global')).toEqual([
        'probe_global: foreign key probe_global_parent_county_parent_id_fkey refers from a global table to the tenant table probe_parent',
      ]);
      expect(about('probe_gone')).toEqual(['probe_gone: declared global but no such table']);
      // A tenant table may refer to a global one by its plain id; a global table needs no county_id.
      expect(about('probe_uses_reference')).toEqual([]);
      expect(about('probe_reference')).toEqual([]);
      // Nothing else: the schema's own tables stay clean.
      expect(problems.filter((p) => !p.startsWith('probe_'))).toEqual([]);
      tx.rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
    expect(await distributionProblems(t.db)).toEqual([]);
  });
});

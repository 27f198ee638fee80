import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateKey } from './template.ts';

describe('the embedded database template', () => {
  it('is keyed by every migration file: adding or changing one makes the old template unusable', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'terrace-mig-'));
    try {
      fs.mkdirSync(path.join(folder, 'meta'));
      fs.writeFileSync(path.join(folder, '0000_a.sql'), 'create table a (id int);');
      const sets = [{ name: 'm', folder }];
      const before = templateKey(sets);
      expect(templateKey(sets)).toBe(before);
      fs.writeFileSync(path.join(folder, '0000_a.sql'), 'create table a (id bigint);');
      const changed = templateKey(sets);
      expect(changed).not.toBe(before);
      fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), '{}');
      expect(templateKey(sets)).not.toBe(changed);
      expect(templateKey([...sets, { name: 'other', folder }])).not.toBe(templateKey(sets));
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

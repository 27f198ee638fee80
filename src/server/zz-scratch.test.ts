import { it } from 'vitest';
import { startTestApp } from '../../test/support/app.ts';
import { describeEachDriver } from '../../test/support/db.ts';
import fs from 'node:fs';
describeEachDriver('scratch', (driver) => {
  it('doc', async () => {
    const t = await startTestApp(driver);
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    fs.writeFileSync('/tmp/openapi.json', JSON.stringify(doc, null, 1));
    await t.close();
  });
});

import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** Every leaf key, e.g. `auth.login`. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`))).sort();
}

function emptyStrings(tree: object): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? (v.trim() ? [] : [k]) : emptyStrings(v as object)));
}

// Every module's namespace: src/web/pages/<module>/i18n.ts.
const PAGES = path.resolve('src/web/pages');
const moduleNamespaces = fs
  .readdirSync(PAGES)
  .filter((m) => fs.existsSync(path.join(PAGES, m, 'i18n.ts')))
  .map((m) => [m, () => import(/* @vite-ignore */ path.join(PAGES, m, 'i18n.ts')) as Promise<{ zhCN: object; en: object }>] as const);

describe('translations', () => {
  const namespaces: (readonly [string, () => Promise<{ zhCN: object; en: object }>])[] = [['translation', async () => ({ zhCN, en })], ...moduleNamespaces];
  it('finds the modules\' namespaces', () => {
    expect(moduleNamespaces.map(([m]) => m)).toEqual(expect.arrayContaining(['atlas', 'market', 'inns', 'interventions']));
  });
  for (const [name, load] of namespaces) {
    it(`has the same keys in zh-CN and English, none empty (${name})`, async () => {
      const ns = await load();
      expect(keys(ns.en)).toEqual(keys(ns.zhCN));
      expect(emptyStrings(ns.zhCN)).toEqual([]);
      expect(emptyStrings(ns.en)).toEqual([]);
    });
  }

  it('writes the default language in Chinese', () => {
    expect(zhCN.auth.login).toMatch(/[\u4e00-\u9fff]/);
    expect(en.auth.login).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

import { describe, expect, it } from 'vitest';
import * as atlas from '../pages/atlas/i18n.ts';
import * as inns from '../pages/inns/i18n.ts';
import * as interventions from '../pages/interventions/i18n.ts';
import * as market from '../pages/market/i18n.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** Every leaf key, e.g. `auth.login`. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`))).sort();
}

function emptyStrings(tree: object): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? (v.trim() ? [] : [k]) : emptyStrings(v as object)));
}

describe('translations', () => {
  const namespaces = { translation: { zhCN, en }, atlas, market, interventions, inns };
  for (const [name, ns] of Object.entries(namespaces)) {
    it(`has the same keys in zh-CN and English, none empty (${name})`, () => {
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

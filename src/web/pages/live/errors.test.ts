// The live pages say what went wrong in the reader's language: the live module's refusals, the refused state change
// (invalid_transition, from the kernel's transition helper) among them, through the one module error component.
import fs from 'node:fs';
import path from 'node:path';
import { createInstance } from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { en as appEn } from '../../i18n/en.ts';
import { zhCN as appZh } from '../../i18n/zh-CN.ts';
import { en, zhCN } from './i18n.ts';

async function shown(lng: 'zh-CN' | 'en', error: ApiError) {
  const i18n = createInstance();
  await i18n.use(initReactI18next).init({
    lng,
    resources: { 'zh-CN': { translation: appZh, live: zhCN }, en: { translation: appEn, live: en } },
    interpolation: { escapeValue: false },
  });
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(ErrorText, { ns: 'live', error })));
}

/** The codes the live module refuses with: its own conflicts, and invalid_transition where it moves a state. */
function liveConflictCodes(): string[] {
  const dir = path.resolve('src/modules/live');
  const text = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const codes = [...text.matchAll(/conflict\('([a-z_]+)'/g)].map((m) => m[1]);
  if (/\btransition\(/.test(text)) codes.push('invalid_transition');
  return [...new Set(codes)].sort();
}

describe('live pages: problems in words', () => {
  it('a refused state change reads as a sentence, in Chinese and in English', async () => {
    const refused = new ApiError(409, 'invalid_transition', 'A session that is ended cannot start');
    const zh = await shown('zh-CN', refused);
    expect(zh).toContain('直播状态已经变了');
    expect(zh).not.toContain('cannot start');
    const english = await shown('en', refused);
    expect(english).toContain('The session has changed');
    expect(english).toContain('role="alert"');
  });

  it('every conflict the live module answers with has its message in both languages', () => {
    const codes = liveConflictCodes();
    expect(codes).toContain('invalid_transition');
    expect(codes.filter((c) => !(c in zhCN.errors))).toEqual([]);
    expect(codes.filter((c) => !(c in en.errors))).toEqual([]);
  });
});

import { like, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { pinyin } from 'pinyin-pro';

/** "黄家大院" → "huangjiadayuan". */
export function pinyinOf(text: string): string {
  return pinyin(text, { toneType: 'none', type: 'array', v: true })
    .join('')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** "黄家大院" → "Huangjiadayuan", "松阳银猴 特级 明前" → "Songyangyinhou Teji Mingqian": each word as typed, capitalised for display. */
export function displayPinyin(text: string): string {
  return text
    .trim()
    .split(/\s+/)
    .map((word) => {
      const p = pinyinOf(word);
      return p.charAt(0).toUpperCase() + p.slice(1);
    })
    .join(' ');
}

/**
 * What search matches: the Chinese texts, their pinyin run together and spaced, and the initials
 * ("hjdy"), lower-cased. Searched with LIKE on a lower-cased pattern (see `textMatches`) and a pg_trgm index on both drivers.
 */
export function searchText(names: string[], texts: string[] = []): string {
  const parts: string[] = [];
  for (const n of names.filter(Boolean)) {
    const syllables = pinyin(n, { toneType: 'none', type: 'array', v: true }).filter((s) => s.trim());
    parts.push(n, syllables.join(''), syllables.join(' '), pinyin(n, { pattern: 'first', toneType: 'none', type: 'array' }).join(''));
  }
  parts.push(...texts.filter(Boolean));
  return parts.join(' | ').toLowerCase();
}

/** The LIKE pattern for a user's query: escaped, lower-cased; spaces dropped for pinyin typed with spaces. */
export function likePatterns(q: string): string[] {
  const clean = q.trim().toLowerCase();
  const esc = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const joined = clean.replace(/\s+/g, '');
  return [...new Set([esc(clean), esc(joined)])];
}

/**
 * The condition "this search-text column contains the user's query" (as typed, or with its spaces dropped).
 * The column is lower-cased when written and so is the pattern, so this is a plain LIKE: PostgreSQL's ILIKE
 * folds the case of every row's multi-byte text on each scan, which made a search over 5,000 villages ~4× slower.
 */
export function textMatches(column: AnyPgColumn, q: string): SQL | undefined {
  return or(...likePatterns(q).map((p) => like(column, p)));
}

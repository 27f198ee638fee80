import { useTranslation } from 'react-i18next';

export type UnitLevel = 'county' | 'township' | 'village';

/** Anything with a Chinese name (`nameZh`, or `name` for records), maybe its English form or its pinyin. */
export interface Named {
  nameZh?: string;
  name?: string;
  /** An English form someone entered. */
  nameEn?: string | null;
  namePinyin?: string | null;
  level?: UnitLevel;
}

/** The one rule, for every page: in English a name entered in English, else its pinyin, else the Chinese. */
export function displayName(x: Named, english: boolean, levelWord: (level: Exclude<UnitLevel, 'county'>) => string, level = x.level): string {
  const zh = x.nameZh ?? x.name ?? '';
  if (!english) return zh;
  if (x.nameEn) return x.nameEn;
  if (!x.namePinyin) return zh;
  // "Yangjiatang Village", "Sandou Township": the pinyin alone would not say what the place is.
  return level && level !== 'county' ? `${x.namePinyin} ${levelWord(level)}` : x.namePinyin;
}

/**
 * A name in the reader's language: Chinese as it is; in English the English form, or the pinyin (with the unit's level
 * for a township or village: pass `level` where the record does not carry it).
 */
export function useName() {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (x: Named, level?: UnitLevel) => displayName(x, english, (l) => t(`level.${l}`), level ?? x.level);
}

/** The name and, beside it, its other form (the Chinese beside the English, the pinyin beside the Chinese). */
export function useNameAndOther() {
  const name = useName();
  return (x: Named, level?: UnitLevel) => {
    const shown = name(x, level);
    const zh = x.nameZh ?? x.name ?? '';
    return { shown, other: shown === zh ? (x.nameEn ?? x.namePinyin ?? '') : zh };
  };
}

/** Anything with a free-text title in Chinese and maybe its English form as entered. */
export interface Titled {
  title: string;
  titleEn?: string | null;
}

/**
 * A title in the reader's language: in English the English form someone entered, else the Chinese as written (a title is
 * a phrase, not a name: it is never spelt out in pinyin).
 */
export function displayTitle(x: Titled, english: boolean): string {
  return english && x.titleEn ? x.titleEn : x.title;
}

export function useTitle() {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (x: Titled) => displayTitle(x, english);
}

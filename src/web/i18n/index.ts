import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import * as atlas from '../pages/atlas/i18n.ts';
import * as inns from '../pages/inns/i18n.ts';
import * as interventions from '../pages/interventions/i18n.ts';
import * as market from '../pages/market/i18n.ts';

const modules = { atlas, market, interventions, inns };
const namespaces = (lang: 'zhCN' | 'en') => Object.fromEntries(Object.entries(modules).map(([name, m]) => [name, m[lang]]));

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
/** Every language has exactly the keys of zh-CN, the default: a missing English string fails the type check. */
export type Messages = Strings<typeof zhCN>;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'terrace.lang';

function initialLanguage(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return stored === 'en' ? 'en' : 'zh-CN';
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN, ...namespaces('zhCN') }, en: { translation: en, ...namespaces('en') } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function setLanguage(lang: Language) {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

document.documentElement.lang = i18n.language;
export default i18n;

// The atlas module's strings (i18next namespace 'atlas'): the same keys in both languages.
export const zhCN = {};
export const en: typeof zhCN = {};

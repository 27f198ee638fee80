// The inns module's strings (i18next namespace 'inns'): the same keys in both languages.
export const zhCN = {};
export const en: typeof zhCN = {};

// The market module's strings (i18next namespace 'market'): the same keys in both languages.
export const zhCN = {};
export const en: typeof zhCN = {};

// The interventions module's strings (i18next namespace 'interventions'): the same keys in both languages.
export const zhCN = {};
export const en: typeof zhCN = {};

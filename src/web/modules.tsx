// The one list of the web client's module pages, in navigation order. Each module's pages and strings (its i18next
// namespace) load together on its first visit, so the shell downloads neither. Adding a module is one line here.
import i18n from 'i18next';
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

type Strings = { zhCN: object; en: object };

export interface WebModule {
  /** URL segment (`/<name>/*`) and i18next namespace. */
  name: string;
  /** Its name in the navigation, in each language. */
  nav: { zhCN: string; en: string };
  /** Its pages (its own <Routes>); absent while the module is being built. */
  Pages?: LazyExoticComponent<ComponentType>;
}

function webModule(name: string, nav: WebModule['nav'], pages?: () => Promise<{ default: ComponentType }>, strings?: () => Promise<Strings>): WebModule {
  return {
    name,
    nav,
    Pages:
      pages &&
      lazy(async () => {
        const [page, s] = await Promise.all([pages(), strings?.()]);
        if (s) addStrings(name, s);
        return page;
      }),
  };
}

/** Adds a module's namespace in both languages (idempotent). */
export function addStrings(namespace: string, s: Strings) {
  i18n.addResourceBundle('zh-CN', namespace, s.zhCN, true, true);
  i18n.addResourceBundle('en', namespace, s.en, true, true);
}

export const WEB_MODULES: WebModule[] = [
  webModule('atlas', { zhCN: '村落图谱', en: 'Atlas' }, () => import('./pages/atlas/index.tsx'), () => import('./pages/atlas/i18n.ts')),
  webModule('market', { zhCN: '山货集市', en: 'Market' }, () => import('./pages/market/index.tsx'), () => import('./pages/market/i18n.ts')),
  webModule('live', { zhCN: '直播', en: 'Live' }, () => import('./pages/live/index.tsx'), () => import('./pages/live/i18n.ts')),
  webModule('inns', { zhCN: '老屋民宿', en: 'Inns' }, () => import('./pages/inns/index.tsx'), () => import('./pages/inns/i18n.ts')),
  webModule('interventions', { zhCN: '微改造', en: 'Interventions' }, () => import('./pages/interventions/index.tsx'), () => import('./pages/interventions/i18n.ts')),
  webModule('logistics', { zhCN: '物流', en: 'Logistics' }, () => import('./pages/logistics/index.tsx'), () => import('./pages/logistics/i18n.ts')),
  webModule('people', { zhCN: '人才', en: 'People' }, () => import('./pages/people/index.tsx'), () => import('./pages/people/i18n.ts')),
  webModule('indicators', { zhCN: '指标', en: 'Indicators' }, () => import('./pages/indicators/index.tsx'), () => import('./pages/indicators/i18n.ts')),
  webModule('payments', { zhCN: '结算', en: 'Settlement' }, () => import('./pages/payments/index.tsx'), () => import('./pages/payments/i18n.ts')),
  webModule('notifications', { zhCN: '消息', en: 'Notifications' }, () => import('./pages/notifications/index.tsx'), () => import('./pages/notifications/i18n.ts')),
];

/** The navigation labels live in the shell's namespace (`nav.<module>`), so the menu reads before any module loads. */
export function addNavStrings() {
  for (const m of WEB_MODULES) {
    i18n.addResource('zh-CN', 'translation', `nav.${m.name}`, m.nav.zhCN);
    i18n.addResource('en', 'translation', `nav.${m.name}`, m.nav.en);
  }
}

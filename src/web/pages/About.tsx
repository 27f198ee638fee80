import { useTranslation } from 'react-i18next';

/** The data the demo county and the maps are drawn from: who made it, where it came from, on what terms. */
const SOURCES = [
  { key: 'villages', url: 'https://github.com/Flipped-cloud/ancient-buildings' },
  { key: 'dem', url: 'https://github.com/floroChen/zhejiangDEM' },
  { key: 'maps', url: 'https://maplibre.org/' },
] as const;

/** What Terrace is, and credit for the data it shows (the same as the repository's NOTICE file). */
export function AboutPage() {
  const { t } = useTranslation();
  return (
    <section className="card about" data-testid="about">
      <h1>{t('about.title')}</h1>
      <p>{t('about.intro')}</p>
      <h2>{t('about.sourcesTitle')}</h2>
      <p>{t('about.demo')}</p>
      <dl className="about-sources">
        {SOURCES.map(({ key, url }) => (
          <div key={key}>
            <dt>{t(`about.${key}Name`)}</dt>
            <dd>
              {t(`about.${key}Who`)}{' '}
              <a href={url} rel="noreferrer">
                {t('about.sourceLabel')}
              </a>
            </dd>
            {key !== 'maps' && (
              <dd>
                {t('about.licenceLabel')}: {t(`about.${key}Licence`)}
              </dd>
            )}
          </div>
        ))}
      </dl>
      <p>{t('about.notice')}</p>
    </section>
  );
}

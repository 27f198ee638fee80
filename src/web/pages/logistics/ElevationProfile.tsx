import { useTranslation } from 'react-i18next';

const W = 320;
const H = 90;

/** A drone trip's ground (filled) and flight height (line) against the distance flown, drawn as SVG. */
export function ElevationProfile({ profile }: { profile: [number, number, number][] }) {
  const { t } = useTranslation('logistics');
  if (profile.length < 2) return null;
  const km = profile.at(-1)![0] || 1;
  const lo = Math.min(...profile.map((p) => p[1]));
  const hi = Math.max(...profile.map((p) => p[2]));
  const x = (d: number) => ((d / km) * W).toFixed(1);
  const y = (m: number) => (H - 4 - ((m - lo) / Math.max(1, hi - lo)) * (H - 8)).toFixed(1);
  const ground = `0,${H} ${profile.map((p) => `${x(p[0])},${y(p[1])}`).join(' ')} ${W},${H}`;
  const flight = profile.map((p) => `${x(p[0])},${y(p[2])}`).join(' ');
  return (
    <figure className="lg-profile">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('plan.profile', { low: Math.round(lo), high: Math.round(hi), km: km.toFixed(1) })} preserveAspectRatio="none">
        <polygon points={ground} className="lg-ground" />
        <polyline points={flight} className="lg-flight" />
      </svg>
      <figcaption className="muted">{t('plan.profile', { low: Math.round(lo), high: Math.round(hi), km: km.toFixed(1) })}</figcaption>
    </figure>
  );
}

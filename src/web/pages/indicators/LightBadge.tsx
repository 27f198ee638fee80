import { useTranslation } from 'react-i18next';
import type { Light } from './shared.ts';

/** A traffic light with its words (never colour alone) and the progress towards the target. */
export function LightBadge({ light, progress }: { light: Light; progress: number | null }) {
  const { t } = useTranslation('indicators');
  return (
    <span className={`ind-light ${light}`} data-light={light}>
      {t(`light.${light}`)}
      {progress !== null && ` · ${Math.round(progress * 100)}%`}
    </span>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Reply } from '../../api.ts';
import { useName } from '../../names.ts';

/** Where a trace event happened: one of the county's villages (the Atlas's), by township; empty for none. */
export function PlaceSelect({ value, onChange }: { value: string; onChange: (villageId: string) => void }) {
  const { t } = useTranslation('market');
  const name = useName();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<Reply<'getCountyTree'>>('/county') });
  return (
    <label>
      {t('seller.eventPlace')}
      <select name="placeUnitId" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('seller.eventPlaceNone')}</option>
        {county.data?.townships.map((tw) => (
          <optgroup key={tw.id} label={name(tw, 'township')}>
            {tw.villages.map((v) => (
              <option key={v.id} value={v.id}>
                {name(v, 'village')}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}

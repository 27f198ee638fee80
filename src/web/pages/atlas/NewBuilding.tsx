import { FileField } from '../../components/FileField.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, type Reply } from '../../api.ts';
import { upload } from './api.ts';
import { useAtlasVillages } from './common.tsx';
import { useName } from '../../names.ts';

const TYPES = ['dwelling', 'ancestral_hall', 'temple', 'bridge', 'well', 'pavilion', 'tea_house', 'workshop', 'school', 'gate', 'pagoda', 'other'] as const;
const LEVELS = ['none', 'listed', 'county', 'provincial', 'national'] as const;
const USES = ['vacant', 'residence', 'inn', 'workshop', 'public', 'religious', 'commercial', 'storage', 'other'] as const;
const OWNERS = ['private', 'collective', 'state', 'clan', 'religious', 'unknown'] as const;

/** An official records a building: the facts, a point (WGS-84 or GCJ-02) and, optionally, a first photo. */
export function NewBuildingPage() {
  const { t } = useTranslation('atlas');
  const name = useName();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [params] = useSearchParams();
  const villages = useAtlasVillages();
  const editable = (villages.data ?? []).filter((v) => v.editable);
  const [form, setForm] = useState({
    villageId: params.get('village') ?? '',
    name: '',
    nameEn: '',
    type: 'dwelling',
    era: '',
    buildYear: '',
    protectionLevel: 'none',
    structure: '',
    materials: '',
    currentUse: 'residence',
    ownerType: 'private',
    lon: '',
    lat: '',
    crs: 'wgs84',
    notes: '',
    caption: '',
  });
  const [file, setFile] = useState<File | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const villageId = form.villageId || editable[0]?.id || '';
  const save = useMutation({
    mutationFn: async () => {
      const b = await api<Reply<'createBuilding'>>('/atlas/buildings', {
        method: 'POST',
        body: {
          villageId,
          name: form.name,
          nameEn: form.nameEn.trim() || null,
          type: form.type,
          era: form.era,
          buildYear: form.buildYear ? Number(form.buildYear) : null,
          protectionLevel: form.protectionLevel,
          structure: form.structure,
          materials: form.materials,
          currentUse: form.currentUse,
          ownerType: form.ownerType,
          notes: form.notes,
          crs: form.crs,
          geometry: { type: 'Point', coordinates: [Number(form.lon), Number(form.lat)] },
        },
      });
      if (file) await upload(`/atlas/buildings/${b.id}/photos`, file, { caption: form.caption });
      return b;
    },
    onSuccess: async (b) => {
      await client.invalidateQueries({ queryKey: ['atlas'] });
      navigate(`/atlas/buildings/${b.id}`);
    },
  });
  const select = (k: keyof typeof form, label: string, values: readonly string[], ns: string) => (
    <label>
      {label}
      <select value={form[k]} onChange={set(k)}>
        {values.map((v) => (
          <option key={v} value={v}>
            {t(`${ns}.${v}` as 'types.other')}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="card atlas">
      <h1>{t('building.new')}</h1>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          {t('building.village')}
          <select value={villageId} onChange={set('villageId')} required>
            {editable.map((v) => (
              <option key={v.id} value={v.id}>
                {name(v.township, 'township')} · {name(v, 'village')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('building.name')}
          <input required maxLength={120} value={form.name} onChange={set('name')} />
        </label>
        <label>
          {t('building.nameEn')}
          <input name="nameEn" lang="en" maxLength={120} value={form.nameEn} onChange={set('nameEn')} />
        </label>
        <div className="row wrap">
          {select('type', t('building.type'), TYPES, 'types')}
          {select('protectionLevel', t('building.protection'), LEVELS, 'protection')}
        </div>
        <div className="row wrap">
          <label>
            {t('building.era')}
            <input maxLength={200} value={form.era} onChange={set('era')} />
          </label>
          <label>
            {t('building.buildYear')}
            <input type="number" min={600} max={2100} value={form.buildYear} onChange={set('buildYear')} />
          </label>
        </div>
        <div className="row wrap">
          <label>
            {t('building.structure')}
            <input maxLength={200} value={form.structure} onChange={set('structure')} />
          </label>
          <label>
            {t('building.materials')}
            <input maxLength={200} value={form.materials} onChange={set('materials')} />
          </label>
        </div>
        <div className="row wrap">
          {select('currentUse', t('building.currentUse'), USES, 'uses')}
          {select('ownerType', t('building.ownerType'), OWNERS, 'owners')}
        </div>
        <fieldset>
          <legend>{t('building.location')}</legend>
          <div className="row wrap">
            <label>
              {t('building.lon')}
              <input required inputMode="decimal" value={form.lon} onChange={set('lon')} />
            </label>
            <label>
              {t('building.lat')}
              <input required inputMode="decimal" value={form.lat} onChange={set('lat')} />
            </label>
            <label>
              {t('building.crs')}
              <select value={form.crs} onChange={set('crs')}>
                <option value="wgs84">{t('building.wgs84')}</option>
                <option value="gcj02">{t('building.gcj02')}</option>
              </select>
            </label>
          </div>
        </fieldset>
        <label>
          {t('building.notes')}
          <textarea rows={3} value={form.notes} onChange={set('notes')} />
        </label>
        <label>
          {t('building.photo')}
          <FileField kind="photo" onFile={setFile} />
        </label>
        {file && (
          <label>
            {t('building.caption')}
            <input maxLength={200} value={form.caption} onChange={set('caption')} />
          </label>
        )}
        <ErrorText ns="atlas" error={save.error} />
        <button type="submit" className="primary" disabled={save.isPending || !villageId}>
          {t('building.submit')}
        </button>
      </form>
    </section>
  );
}

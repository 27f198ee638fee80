import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CountyTree } from '../../api.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { hhmm, type Depot, type Vehicle } from './shared.ts';
import { useName } from '../../names.ts';

function DepotForm() {
  const { t } = useTranslation('logistics');
  const name = useName();
  const client = useQueryClient();
  const county = useQuery({ queryKey: ['county'], queryFn: () => api<CountyTree>('/county') });
  const [f, setF] = useState({ name: '', unitId: '', lon: '', lat: '' });
  const hub = f.unitId !== '' && f.unitId === county.data?.county.id;
  const add = useMutation({
    mutationFn: () => api('/logistics/depots', { method: 'POST', body: { name: f.name, kind: hub ? 'hub' : 'township', unitId: f.unitId, lon: Number(f.lon), lat: Number(f.lat) } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['logistics-depots'] }),
  });
  const pick = (unitId: string) => {
    const unit = unitId === county.data?.county.id ? county.data.county : county.data?.townships.find((x) => x.id === unitId);
    setF({ ...f, unitId, lon: unit?.lon != null ? String(unit.lon) : f.lon, lat: unit?.lat != null ? String(unit.lat) : f.lat });
  };
  return (
    <details>
      <summary>{t('fleet.addDepot')}</summary>
      <form className="form" onSubmit={(e) => (e.preventDefault(), add.mutate())}>
        <label>
          {t('fleet.name')}
          <input required maxLength={120} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </label>
        <label>
          {t('fleet.unit')}
          <select required value={f.unitId} onChange={(e) => pick(e.target.value)}>
            <option value="" />
            {county.data && <option value={county.data.county.id}>{`${name(county.data.county)} · ${t('fleet.kinds.hub')}`}</option>}
            {county.data?.townships.map((x) => (
              <option key={x.id} value={x.id}>
                {name(x)}
              </option>
            ))}
          </select>
        </label>
        <div className="lg-pair">
          <label>
            {t('fleet.lon')}
            <input required inputMode="decimal" value={f.lon} onChange={(e) => setF({ ...f, lon: e.target.value })} />
          </label>
          <label>
            {t('fleet.lat')}
            <input required inputMode="decimal" value={f.lat} onChange={(e) => setF({ ...f, lat: e.target.value })} />
          </label>
        </div>
        <ErrorText error={add.error} />
        <button type="submit">{t('fleet.save')}</button>
      </form>
    </details>
  );
}

function VehicleForm({ depots }: { depots: Depot[] }) {
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const [f, setF] = useState({ depotId: '', name: '', kind: 'van' as 'van' | 'drone', capacityKg: '', speedKmh: '', batteryWh: '', whPerKm: '', whPerKmKg: '', massKg: '' });
  const add = useMutation({
    mutationFn: () => {
      const n = (s: string) => Number(s);
      const drone = f.kind === 'drone' ? { batteryWh: n(f.batteryWh), whPerKm: n(f.whPerKm), whPerKmKg: n(f.whPerKmKg), massKg: n(f.massKg) } : {};
      return api('/logistics/vehicles', { method: 'POST', body: { depotId: f.depotId, name: f.name, kind: f.kind, capacityKg: n(f.capacityKg), speedKmh: n(f.speedKmh), ...drone } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['logistics-vehicles'] }),
  });
  const field = (key: 'capacityKg' | 'speedKmh' | 'batteryWh' | 'whPerKm' | 'whPerKmKg' | 'massKg', label: string) => (
    <label key={key}>
      {label}
      <input required type="number" inputMode="decimal" min="0" step="any" value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })} />
    </label>
  );
  return (
    <details>
      <summary>{t('fleet.addVehicle')}</summary>
      <form className="form" onSubmit={(e) => (e.preventDefault(), add.mutate())}>
        <label>
          {t('fleet.name')}
          <input required maxLength={120} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </label>
        <label>
          {t('fleet.depot')}
          <select required value={f.depotId} onChange={(e) => setF({ ...f, depotId: e.target.value })}>
            <option value="" />
            {depots.filter((d) => d.active).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fleet.vehicleKind')}
          <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value as 'van' | 'drone' })}>
            <option value="van">{t('plan.kind.van')}</option>
            <option value="drone">{t('plan.kind.drone')}</option>
          </select>
        </label>
        {field('capacityKg', t('fleet.capacity'))}
        {field('speedKmh', t('fleet.speed'))}
        {f.kind === 'drone' && [field('batteryWh', t('fleet.battery')), field('whPerKm', t('fleet.whPerKm')), field('whPerKmKg', t('fleet.whPerKmKg')), field('massKg', t('fleet.mass'))]}
        <ErrorText error={add.error} />
        <button type="submit">{t('fleet.save')}</button>
      </form>
    </details>
  );
}

/** The county's depots and fleet. */
export default function FleetPage() {
  const { t } = useTranslation('logistics');
  const client = useQueryClient();
  const depots = useQuery({ queryKey: ['logistics-depots'], queryFn: () => api<Depot[]>('/logistics/depots') });
  const vehicles = useQuery({ queryKey: ['logistics-vehicles'], queryFn: () => api<Vehicle[]>('/logistics/vehicles') });
  const retire = useMutation({
    mutationFn: (v: Vehicle) => api(`/logistics/vehicles/${v.id}`, { method: 'PATCH', body: { active: false } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['logistics-vehicles'] }),
  });
  const depotName = (id: string) => depots.data?.find((d) => d.id === id)?.name ?? '';
  return (
    <div className="stack">
      <section className="card">
        <h1>{t('fleet.depots')}</h1>
        <ErrorText error={depots.error} />
        <ul className="lg-list" data-testid="depots">
          {depots.data?.map((d) => (
            <li key={d.id}>
              <strong>{d.name}</strong> <span className="tag">{t(`fleet.kinds.${d.kind}`)}</span> <span className="muted">{t('fleet.hours', { from: hhmm(d.opensMin), to: hhmm(d.closesMin) })}</span>
            </li>
          ))}
        </ul>
        <DepotForm />
      </section>
      <section className="card">
        <h1>{t('fleet.vehicles')}</h1>
        <ErrorText error={vehicles.error ?? retire.error} />
        <ul className="lg-list" data-testid="vehicles">
          {vehicles.data?.map((v) => (
            <li key={v.id} className={v.active ? '' : 'lg-cancelled'}>
              <strong>{v.name}</strong> <span className="tag">{t(`plan.kind.${v.kind}`)}</span>{' '}
              <span className="muted">
                {depotName(v.depotId)} · {v.kind === 'drone' ? t('fleet.droneLine', { capacity: v.capacityKg, battery: v.batteryWh, speed: v.speedKmh }) : t('fleet.vehicleLine', { capacity: v.capacityKg, speed: v.speedKmh })}
              </span>{' '}
              {v.active ? (
                <button type="button" className="link-button" onClick={() => retire.mutate(v)}>
                  {t('fleet.retire')}
                </button>
              ) : (
                <span className="tag">{t('fleet.retired')}</span>
              )}
            </li>
          ))}
        </ul>
        {depots.data && <VehicleForm depots={depots.data} />}
      </section>
    </div>
  );
}

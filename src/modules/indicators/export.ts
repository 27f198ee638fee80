// The county's figures for a year as an XLSX workbook: the ranking, then every observation with its provenance.
import type { Db } from '../../db/handle.ts';
import type { Actor } from '../governance/index.ts';
import { overview, periodData, requireReader } from './service.ts';
import { countyUnits } from './units.ts';

export async function exportWorkbook(db: Db, actor: Actor | null, period?: number) {
  const who = requireReader(actor);
  const view = await overview(db, who, period);
  // exceljs loads when a workbook is asked for, not when the server starts.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Terrace';
  const ranking = wb.addWorksheet('Index');
  ranking.columns = [
    { header: 'Rank', key: 'rank', width: 6 },
    { header: 'Village', key: 'nameZh', width: 14 },
    { header: 'Pinyin', key: 'namePinyin', width: 16 },
    { header: 'Township', key: 'townshipZh', width: 12 },
    { header: 'Index', key: 'score', width: 8 },
    { header: 'Previous year', key: 'previousScore', width: 12 },
    { header: 'Economy', key: 'economy', width: 9 },
    { header: 'Culture', key: 'culture', width: 9 },
    { header: 'Ecology', key: 'ecology', width: 9 },
    { header: 'People', key: 'people', width: 9 },
    { header: 'Expert weights', key: 'weightedScore', width: 12 },
    { header: 'Entropy TOPSIS', key: 'entropyScore', width: 12 },
  ];
  for (const v of view.villages) ranking.addRow({ ...v, ...v.pillars });
  ranking.getRow(1).font = { bold: true };
  const sheet = wb.addWorksheet('Observations');
  sheet.columns = [
    { header: 'Code', key: 'code', width: 16 },
    { header: 'Indicator', key: 'nameZh', width: 20 },
    { header: 'Indicator (en)', key: 'nameEn', width: 28 },
    { header: 'Pillar', key: 'pillar', width: 9 },
    { header: 'Unit', key: 'unit', width: 8 },
    { header: 'Unit', key: 'village', width: 14 },
    { header: 'Level', key: 'level', width: 9 },
    { header: 'Year', key: 'period', width: 6 },
    { header: 'Value', key: 'value', width: 12 },
    { header: 'Source', key: 'source', width: 9 },
    { header: 'Recorded at (UTC)', key: 'recordedAt', width: 22 },
    { header: 'Definition version', key: 'version', width: 10 },
  ];
  sheet.getRow(1).font = { bold: true };
  if (view.period !== null) {
    const { defs, obs } = await periodData(db, who.countyId, view.period);
    const units = (await countyUnits(db, who.countyId)).byId;
    for (const o of obs) {
      const d = defs.find((x) => x.id === o.indicatorId)!;
      sheet.addRow({ code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, pillar: d.pillar, unit: d.unit, village: units.get(o.unitId)?.nameZh ?? o.unitId, level: units.get(o.unitId)?.level ?? '', period: o.period, value: o.value, source: o.source, recordedAt: o.recordedAt.toISOString(), version: o.definitionVersion });
    }
  }
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  return { data, filename: `indicators-${view.period ?? 'none'}.xlsx` };
}

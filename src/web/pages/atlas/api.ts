import type { Reply } from '../../api.ts';

// The Atlas's shapes, as its routes declare them (see src/web/api-types.ts).
export type BuildingSummary = Reply<'listBuildings'>['items'][number];
export type BuildingDetail = Reply<'getBuilding'>;
export type Assessment = BuildingDetail['history'][number];
export type Photo = BuildingDetail['photos'][number];
export type AtlasVillage = Reply<'listVillages'>[number];
export type VillageDetail = Reply<'getVillage'>;
export type CultureItem = VillageDetail['culture'][number];
export interface ReportEntry {
  row: number;
  field: string;
  code: string;
  reason: string;
}

export const photoUrl = (id: string, size: 'thumb' | 'full' = 'thumb') => `/api/v1/atlas/photos/${id}?size=${size}`;

export { upload } from '../../api.ts';

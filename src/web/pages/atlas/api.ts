import type { Reply } from '../../api.ts';

// The Atlas's shapes, as its routes declare them (see src/web/api-types.ts).
export type BuildingSummary = Reply<'listBuildings'>['items'][number];
export type BuildingDetail = Reply<'getBuilding'>;
export type Assessment = BuildingDetail['history'][number];
export type Photo = BuildingDetail['photos'][number];
export type AtlasVillage = Reply<'listVillages'>[number];
export type VillageDetail = Reply<'getVillage'>;
export type CultureItem = VillageDetail['culture'][number];
/** A refused row of an import (the 422 problem carries the same rows as a dry run's report). */
export type ReportEntry = Reply<'importBuildings'>['report'][number];

export const photoUrl = (id: string, size: 'thumb' | 'full' = 'thumb') => `/api/v1/atlas/photos/${id}?size=${size}`;

export { upload } from '../../api.ts';

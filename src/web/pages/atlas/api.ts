export interface BuildingSummary {
  id: string;
  villageId: string;
  name: string;
  namePinyin: string;
  type: string;
  era: string;
  buildYear: number | null;
  protectionLevel: string;
  currentUse: string;
  condition: number | null;
  lon: number;
  lat: number;
}
export interface Photo {
  id: string;
  caption: string;
  width: number;
  height: number;
}
export interface CultureItem {
  id: string;
  kind: string;
  name: string;
  namePinyin: string;
  description: string;
  seasons: string[];
  dates: string;
  villages: { id: string; nameZh: string; namePinyin: string }[];
  buildings: { id: string; name: string }[];
}
export interface AtlasVillage {
  id: string;
  nameZh: string;
  namePinyin: string;
  township: { id: string; nameZh: string; namePinyin: string };
  description: string;
  lon: number | null;
  lat: number | null;
  registeredPopulation: number | null;
  residentPopulation: number | null;
  altitudeM: number | null;
  listingLevel: 'national' | 'provincial' | null;
  listingBatch: number | null;
  story: string;
  published: boolean;
  editable: boolean;
}
export interface VillageDetail extends AtlasVillage {
  buildings: BuildingSummary[];
  culture: CultureItem[];
  photos: Photo[];
}
export interface Assessment {
  id: string;
  grade: number;
  assessedOn: string;
  assessor: string;
  notes: string;
}
export interface BuildingDetail extends BuildingSummary {
  structure: string;
  materials: string;
  ownerType: string;
  notes: string;
  geometry: { type: 'Point'; coordinates: [number, number] } | { type: 'Polygon'; coordinates: [number, number][][] };
  village: { id: string; nameZh: string; namePinyin: string };
  editable: boolean;
  history: Assessment[];
  photos: Photo[];
  culture: { id: string; kind: string; name: string; namePinyin: string }[];
}
export interface ReportEntry {
  row: number;
  field: string;
  code: string;
  reason: string;
}

export const photoUrl = (id: string, size: 'thumb' | 'full' = 'thumb') => `/api/v1/atlas/photos/${id}?size=${size}`;

export { upload } from '../../api.ts';

/** Types of the people API and small helpers shared by the people pages. */
import type { APPLICATION_STATUSES, APPRENTICESHIP_STATUSES, ARTISAN_LEVELS, PROGRAMME_KINDS, RESIDENT_STATUSES } from '../../../modules/people/constants.ts';

export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];

export interface Programme {
  id: string;
  unitId: string;
  kind: (typeof PROGRAMME_KINDS)[number];
  title: string;
  description: string;
  criteria: string;
  returneesOnly: boolean;
  budgetFen: number;
  maxAwardFen: number;
  disbursedFen: number;
  deadline: string;
  documents: string[];
  open: boolean;
  applied?: number;
  approved?: number;
}
export interface Application {
  id: string;
  programmeId: string;
  programmeTitle: string;
  villageId: string;
  applicant: string;
  amountFen: number;
  plan: string;
  status: ApplicationStatus;
  reason: string | null;
  disbursedFen: number;
  createdAt: string;
  steps: { from: ApplicationStatus; to: ApplicationStatus; note: string; at: string }[];
  requiredDocuments: string[];
  documents: { id: string; name: string; contentType: string }[];
}
export interface ResidentRow {
  id: string;
  villageId: string;
  name: string;
  phone: string;
  ageBand: string;
  status: ResidentStatus;
  statusSince: string | null;
  returnedFrom: string | null;
  occupation: string;
  enrolled: boolean;
  household?: string;
  birthYear?: number;
  skills?: string[];
}
export interface Master {
  id: string;
  publicName: string;
  craft: string;
  level: (typeof ARTISAN_LEVELS)[number];
  bio: string;
  places: number;
  villageId: string;
  /** The craft as the Atlas documents it, when the county linked it (only in the public list of crafts). */
  atlasCraft?: { id: string; name: string; path: string } | null;
  apprentices: { name: string; status: (typeof APPRENTICESHIP_STATUSES)[number] }[];
}
export interface Craft {
  craft: string;
  apprentices: number;
  masters: Master[];
}
export interface MyPeople {
  resident: ResidentRow | null;
  applications: Application[];
  masterOf: Omit<Master, 'apprentices'>[];
  apprenticeships: { id: string; artisanId: string; master: string; craft: string; status: Master['apprentices'][number]['status'] }[];
}

/** Integer fen as ¥12.34 (whole yuan without decimals). */
export const yuan = (fen: number) => `¥${fen % 100 === 0 ? (fen / 100).toLocaleString('en-US') : (fen / 100).toFixed(2)}`;

export const OFFICIALS = ['village_official', 'town_official', 'county_admin'];

import { interventions, type BuildingSnapshot, type FundingSource, type InterventionType, type Media, type Outcomes, type PhysicalChanges, type Status } from '../schema.ts';
import { funding } from './proposals.ts';

export type Intervention = typeof interventions.$inferSelect;

export interface ProposalInput {
  villageId: string;
  title: string;
  titleEn?: string | null;
  type: InterventionType;
  description?: string;
  site?: string;
  /** A point in the village (WGS-84), or none. */
  lon?: number | null;
  lat?: number | null;
  buildings: BuildingSnapshot[];
  changes: PhysicalChanges;
  conservationPlanUrl?: string | null;
  media?: Media[];
  costFen: number;
  funding: Record<FundingSource, number>;
  durationMonths: number;
  outcomes: Outcomes;
  risks?: string;
}

/** Statuses in which residents may still vote: until the review ends. */
export const VOTING: Status[] = ['submitted', 'village_approved', 'township_reviewed'];
/** Statuses shown on the public page. */
export const PUBLIC_STATUSES: Status[] = ['county_approved', 'funded', 'in_progress', 'completed', 'evaluated'];
export const OFFICIAL_ROLES = ['village_official', 'town_official', 'county_admin'];

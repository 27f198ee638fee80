/** Types of the people API (from the routes' schemas) and small helpers shared by the people pages. */
import type { Reply } from '../../api.ts';

export type Programme = Reply<'listProgrammes'>[number];
/** A programme's own page adds how many applied and how many were approved. */
export type ProgrammeDetail = Reply<'getProgramme'>;
export type Application = Reply<'getApplication'>;
export type ApplicationStatus = Application['status'];
export type ResidentRow = Reply<'listResidents'>[number];
export type ResidentStatus = ResidentRow['status'];
export type Craft = Reply<'listCrafts'>[number];
export type Master = Craft['masters'][number];
export type MyPeople = Reply<'myPeopleRecord'>;

/** Integer fen as ¥12.34 (whole yuan without decimals). */
export const yuan = (fen: number) => `¥${fen % 100 === 0 ? (fen / 100).toLocaleString('en-US') : (fen / 100).toFixed(2)}`;

export const OFFICIALS = ['village_official', 'town_official', 'county_admin'];

// Typed input and output of the portfolio optimizer: pure data, no I/O.

export interface Project {
  id: string;
  /** Total cost in integer fen. */
  costFen: number;
  /** How the cost splits over funding sources (fen); sources not named count as 0. */
  funding: Record<string, number>;
  township: string;
  village: string;
  /** Expected benefit per pillar (jobs, visitors, …), in the pillar's own unit; ≥ 0. */
  benefits: Record<string, number>;
}

export interface PortfolioInput {
  projects: Project[];
  budgetFen: number;
  /** Most that may come from each funding source (fen). */
  capsFen?: Record<string, number>;
  /** Least and most share of the budget (0–1) that the projects of a township may take. */
  townshipShares?: Record<string, { min?: number; max?: number }>;
  /** Least number of selected projects with a positive benefit in each pillar. */
  minPerPillar?: Record<string, number>;
  /** Most projects selected in any one village. */
  maxPerVillage?: number;
  /** `project` may be selected only together with `needs`. */
  dependencies?: { project: string; needs: string }[];
  /** At most one of each pair (e.g. two alternatives for one building). */
  exclusions?: [string, string][];
  /** Weight of each pillar in the objective; pillars not named weigh 0. */
  weights: Record<string, number>;
}

/** A constraint group: the unit in which constraints bind, conflict, and are relaxed. */
export type Group =
  | { kind: 'budget' }
  | { kind: 'cap'; source: string }
  | { kind: 'township_min'; township: string }
  | { kind: 'township_max'; township: string }
  | { kind: 'pillar_min'; pillar: string }
  | { kind: 'village_max' }
  | { kind: 'dependency'; project: string; needs: string }
  | { kind: 'exclusion'; a: string; b: string };

export interface Selection {
  ids: string[];
  /** Σ score of the selected projects. */
  objective: number;
  costFen: number;
  bySourceFen: Record<string, number>;
}

export type SolveStatus = 'optimal' | 'gap' | 'infeasible' | 'no_solution';

export interface Binding {
  group: Group;
  /** `max` for an upper limit (budget, caps, …), `min` for a lower one. */
  sense: 'max' | 'min';
  activity: number;
  bound: number;
  /** What is left before the limit, in fen for money and in projects for counts. */
  slack: number;
}

export interface WhatIf {
  factor: number;
  budgetFen: number;
  status: SolveStatus;
  objective: number | null;
  ids: string[];
}

export interface PortfolioResult {
  status: SolveStatus;
  /** Relative MIP gap HiGHS reports (0 when proven optimal). */
  gap: number | null;
  timeMs: number;
  selection: Selection | null;
  greedy: Selection & { violations: Group[] };
  binding: Binding[];
  whatIfs: WhatIf[];
  /** For an infeasible round: a small set of constraint groups that cannot all hold (relaxing any one of them helps). */
  conflict: { groups: Group[]; minimal: boolean } | null;
  /** Each project's score: Σ weight × benefit / (largest benefit in that pillar). */
  scores: Record<string, number>;
}

export interface Progress {
  phase: 'solve' | 'what_if' | 'explain' | 'done';
  message: string;
  elapsedMs: number;
  gap?: number;
  incumbent?: number;
  bound?: number;
}

export interface SolveOptions {
  /** Wall-clock limit for the main solve, in ms. */
  timeLimitMs?: number;
  /** Relative MIP gap at which HiGHS stops; 0 proves optimality exactly. */
  mipRelGap?: number;
  whatIfs?: number[];
  onProgress?: (p: Progress) => void;
}

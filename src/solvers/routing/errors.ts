/** A file that does not follow its format; `line` is 1-based. */
export class InstanceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'InstanceFormatError';
  }
}

/** An instance whose data contradicts itself (wrong sizes, negative demand, window closing before it opens). */
export class InvalidInstanceError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid instance: ${problems.join('; ')}`);
    this.name = 'InvalidInstanceError';
  }
}

/** An instance that no solution can satisfy, found before any search starts. */
export class InfeasibleInstanceError extends Error {
  constructor(readonly reasons: string[]) {
    const shown = reasons.slice(0, 10).join('; ');
    const more = reasons.length > 10 ? ` (and ${reasons.length - 10} more)` : '';
    super(`infeasible instance: ${shown}${more}`);
    this.name = 'InfeasibleInstanceError';
  }
}

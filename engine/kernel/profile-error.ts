/** The typed error of parseProfile() (profile.ts) and parseKallsyms() (kallsyms-table.ts). */

export type KernelProfileErrorCode = 'not-object' | 'bad-format' | 'bad-field' | 'length-mismatch';

/** A profile JSON value that does not have the expected shape. `path` names the bad field. */
export class KernelProfileError extends Error {
  readonly code: KernelProfileErrorCode;
  readonly path: string;

  constructor(code: KernelProfileErrorCode, message: string, path: string) {
    super(`${path}: ${message}`);
    this.name = 'KernelProfileError';
    this.code = code;
    this.path = path;
  }
}

export function isKernelProfileError(e: unknown): e is KernelProfileError {
  return e instanceof KernelProfileError || (e instanceof Error && e.name === 'KernelProfileError' && 'code' in e);
}

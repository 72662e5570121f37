import type { ElfErrorCode, ElfErrorInfo } from './types';

/**
 * A problem found while reading ELF bytes. Always carries a machine-readable code and the
 * byte offset of the bad structure, so a UI can point at it in a hex view.
 */
export class ElfError extends Error {
  readonly code: ElfErrorCode;
  readonly offset: number;
  readonly field?: string;

  constructor(code: ElfErrorCode, message: string, offset: number, field?: string) {
    super(message);
    this.name = 'ElfError';
    this.code = code;
    this.offset = offset;
    if (field !== undefined) this.field = field;
  }

  /** A plain, serialisable copy (Error objects lose their fields over IPC). */
  toInfo(): ElfErrorInfo {
    return elfErrorInfo(this.code, this.message, this.offset, this.field);
  }
}

/** Build an ElfErrorInfo without a `field` key when there is none (keeps snapshots stable). */
export function elfErrorInfo(code: ElfErrorCode, message: string, offset: number, field?: string): ElfErrorInfo {
  return field === undefined ? { code, message, offset } : { code, message, offset, field };
}

/** True when `e` is an ElfError (works across bundles where instanceof may not). */
export function isElfError(e: unknown): e is ElfError {
  return e instanceof ElfError || (e instanceof Error && e.name === 'ElfError' && 'code' in e && 'offset' in e);
}

/** Typed errors of tours: a malformed tour file, or a stop that does not resolve on the trace. */
export type TourErrorCode = 'BAD_TOUR' | 'NO_OPERATION' | 'NO_STEP' | 'NO_ITEM' | 'BAD_CAPTION';

export class TourError extends Error {
  constructor(
    readonly code: TourErrorCode,
    message: string,
    /** The tour's id (or the file, when the id is unreadable). */
    readonly tour: string,
    /** Index of the stop at fault, when there is one. */
    readonly stop?: number,
    /** The field at fault, e.g. "stops[2].at.fn". */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TourError';
  }
}

export function isTourError(e: unknown): e is TourError {
  return e instanceof TourError;
}

import type { EngineError } from '../../engine/api-types';

/** A failure the CLI reports as one line and exit code 2. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset?: number,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function fromEngineError(e: EngineError): CliError {
  return new CliError(e.code, e.message, e.offset);
}

/** `modscope: error CODE at offset 0x…: message` (the offset part only when known). */
export function formatError(code: string, message: string, offset?: number): string {
  const at = typeof offset === 'number' && Number.isFinite(offset) ? ` at offset 0x${offset.toString(16)}` : '';
  return `modscope: error ${code}${at}: ${message}`;
}

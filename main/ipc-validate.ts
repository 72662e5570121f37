/**
 * Validation of everything that crosses the IPC boundary into main.
 * Pure (no Electron import) so it is unit-testable under plain Node.
 */
import type { EngineArg, EngineError, EngineMethod } from '../engine/api-types';

/** The scheme and host the renderer is served from. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'modscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** IPC channels: the complete list. */
export const CH_ENGINE_CALL = 'engine:call';
export const CH_ENGINE_PROGRESS = 'engine:progress';
export const CH_OPEN_FILE = 'file:open';
export const CH_OPEN_DIALOG = 'file:open-dialog';

export const ENGINE_METHODS: readonly EngineMethod[] = ['open', 'close', 'overview', 'symbols', 'relocations', 'bytes'];

/** Largest module accepted over IPC (compressed or not). Real modules are a few MiB at most. */
export const MAX_OPEN_BYTES = 512 * 1024 * 1024;
/** Largest byte window the hex view may ask for at once. */
export const MAX_BYTES_WINDOW = 16 * 1024 * 1024;
/** Page size cap (the engine caps at 5,000 as well). */
export const MAX_PAGE = 5000;
const MAX_NAME = 4096;
const MAX_ID = 256;
const MAX_FILTER = 1024;

export const KO_EXTENSIONS = ['.ko', '.ko.xz', '.ko.zst', '.ko.gz'] as const;

/** True when the URL is a page served by our app:// protocol. */
export function isTrustedSenderUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

export function isEngineMethod(m: unknown): m is EngineMethod {
  return typeof m === 'string' && (ENGINE_METHODS as readonly string[]).includes(m);
}

export type Validated<M extends EngineMethod = EngineMethod> =
  | { ok: true; method: M; arg: EngineArg<M> }
  | { ok: false; error: EngineError };

function bad(message: string, field?: string): { ok: false; error: EngineError } {
  return { ok: false, error: field ? { code: 'BAD_REQUEST', message, field } : { code: 'BAD_REQUEST', message } };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isUint(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function str(v: unknown, max: number, allowEmpty = false): v is string {
  return typeof v === 'string' && v.length <= max && (allowEmpty || v.length > 0);
}

/**
 * Check `method` and `arg` and return a clean copy of the argument holding only known keys,
 * or a BAD_REQUEST error naming the field at fault.
 */
export function validateEngineCall(method: unknown, arg: unknown): Validated {
  if (!isEngineMethod(method)) return bad(`unknown engine method ${JSON.stringify(String(method)).slice(0, 80)}`, 'method');
  if (!isPlainObject(arg)) return bad(`argument of ${method} must be an object`, 'arg');

  if (method === 'open') {
    if (!str(arg.name, MAX_NAME)) return bad('open: name must be a non-empty string', 'name');
    const bytes = arg.bytes;
    if (!(bytes instanceof Uint8Array)) return bad('open: bytes must be a Uint8Array', 'bytes');
    if (bytes.byteLength > MAX_OPEN_BYTES) return bad(`open: file is larger than ${MAX_OPEN_BYTES} bytes`, 'bytes');
    // Never keep a view onto a larger foreign buffer.
    const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return { ok: true, method, arg: { name: arg.name, bytes: copy } };
  }

  if (!str(arg.id, MAX_ID)) return bad(`${method}: id must be a non-empty string`, 'id');
  const id = arg.id;

  switch (method) {
    case 'close':
    case 'overview':
      return { ok: true, method, arg: { id } };
    case 'symbols': {
      if (!isUint(arg.offset)) return bad('symbols: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.limit, MAX_PAGE) || arg.limit === 0) return bad(`symbols: limit must be an integer 1..${MAX_PAGE}`, 'limit');
      if (arg.filter !== undefined && !str(arg.filter, MAX_FILTER, true)) return bad('symbols: filter must be a string', 'filter');
      const clean: EngineArg<'symbols'> = { id, offset: arg.offset, limit: arg.limit };
      if (typeof arg.filter === 'string') clean.filter = arg.filter;
      return { ok: true, method, arg: clean };
    }
    case 'relocations': {
      if (!isUint(arg.section, 0xffffffff)) return bad('relocations: section must be a non-negative integer', 'section');
      if (!isUint(arg.offset)) return bad('relocations: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.limit, MAX_PAGE) || arg.limit === 0) return bad(`relocations: limit must be an integer 1..${MAX_PAGE}`, 'limit');
      return { ok: true, method, arg: { id, section: arg.section, offset: arg.offset, limit: arg.limit } };
    }
    case 'bytes': {
      if (!isUint(arg.offset)) return bad('bytes: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.length, MAX_BYTES_WINDOW)) return bad(`bytes: length must be an integer 0..${MAX_BYTES_WINDOW}`, 'length');
      return { ok: true, method, arg: { id, offset: arg.offset, length: arg.length } };
    }
  }
  return bad('unreachable', 'method');
}

/** True when a file name looks like a kernel module we open. */
export function isModuleFileName(name: string): boolean {
  const n = name.toLowerCase();
  return KO_EXTENSIONS.some((ext) => n.endsWith(ext));
}

/**
 * Pick the module path from a process argv tail (after the executable and, when unpackaged,
 * the app path). Skips Chromium/Electron switches.
 */
export function fileFromArgv(args: readonly string[]): string | null {
  for (const a of args) {
    if (!a || a.startsWith('-')) continue;
    if (a === '.' ) continue;
    return a;
  }
  return null;
}

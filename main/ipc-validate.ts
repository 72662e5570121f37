/**
 * Validation of everything that crosses the IPC boundary into main.
 * Pure (no Electron import) so it is unit-testable under plain Node.
 */
import type { EngineArg, EngineError, EngineMethod } from '../engine/api-types';
import { MAX_BYTES, MAX_PAGE } from '../engine/api-types';
import { bad, ENGINE_METHODS, MAX_OPEN_BYTES, MAX_PROFILE_BYTES, str, validateEngineCall, type Validated } from '../engine/validate-call';

/** The scheme and host the renderer is served from. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'modscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** IPC channels: the complete list. */
export const CH_ENGINE_CALL = 'engine:call';
export const CH_ENGINE_PROGRESS = 'engine:progress';
export const CH_OPEN_FILE = 'file:open';
export const CH_OPEN_DIALOG = 'file:open-dialog';
export const CH_SAVE_FILE = 'file:save';
/** The native folder dialog for a module tree (main lists it and reads the files kernel.shell needs). */
export const CH_PICK_MODULE_TREE = 'modtree:pick';

/**
 * The engine methods the renderer may call: all but kernel.modtree. In Electron a module tree comes only from the
 * native folder dialog (CH_PICK_MODULE_TREE), and main reads its files for kernel.shell (main/module-tree.ts).
 */
export const RENDERER_METHODS: readonly EngineMethod[] = ENGINE_METHODS.filter((m) => m !== 'kernel.modtree');
export { MAX_OPEN_BYTES, MAX_PAGE, MAX_PROFILE_BYTES };
/** Largest byte window one call may ask for: the engine's own limit (engine/api-types.ts), not a copy. */
export const MAX_BYTES_WINDOW = MAX_BYTES;

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

/** A method the renderer may send (the preload checks it before anything crosses). */
export function isRendererMethod(m: unknown): m is EngineMethod {
  return typeof m === 'string' && (RENDERER_METHODS as readonly string[]).includes(m);
}

/**
 * Check a call from the renderer: the engine's own validator (engine/validate-call.ts), the one the Web Worker's and
 * the CLI's engine run too, so a bad argument is the same typed error over IPC as anywhere. Returns a clean copy of
 * the argument. What main adds: kernel.modtree is refused, and kernel.shell carries no files (main reads them).
 */
export function validateIpcCall(method: unknown, arg: unknown): Validated {
  if (method === 'kernel.modtree') return bad('kernel.modtree: a module tree comes from the folder dialog (modtree:pick)', 'method');
  const v = validateEngineCall(method, arg);
  if (v.ok && v.method === 'kernel.shell') delete (v.arg as EngineArg<'kernel.shell'>).files;
  return v;
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
    if (a === '.') continue;
    return a;
  }
  return null;
}

/** Largest exported file accepted for saving (a 4× PNG of a slide is a few MiB; a long deck more). */
export const MAX_SAVE_BYTES = 512 * 1024 * 1024;
export const SAVE_EXTENSIONS = ['.svg', '.png', '.pdf', '.zip'] as const;

/**
 * An export to save: a plain file name (no directory part, one of SAVE_EXTENSIONS) suggested for
 * the save dialog, and the bytes. Where the file goes is the user's choice in the dialog, never
 * the renderer's.
 */
export function validateSaveFile(name: unknown, bytes: unknown): { ok: true; name: string; bytes: Uint8Array } | { ok: false; error: EngineError } {
  if (!str(name, 255)) return bad('save: name must be a non-empty string of at most 255 characters', 'name');
  if (/[/\\\0]/.test(name) || name === '.' || name === '..' || name.startsWith('.')) return bad('save: name must be a plain file name', 'name');
  if (!SAVE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))) return bad(`save: name must end in ${SAVE_EXTENSIONS.join(', ')}`, 'name');
  if (!(bytes instanceof Uint8Array)) return bad('save: bytes must be a Uint8Array', 'bytes');
  if (bytes.byteLength > MAX_SAVE_BYTES) return bad(`save: file is larger than ${MAX_SAVE_BYTES} bytes`, 'bytes');
  return { ok: true, name, bytes };
}

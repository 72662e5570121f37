/**
 * Validation of everything that crosses the IPC boundary into main.
 * Pure (no Electron import) so it is unit-testable under plain Node.
 */
import type { EngineArg, EngineError, EngineMethod, KernelSelector } from '../engine/api-types';
import { MAX_BYTES, MAX_PAGE } from '../engine/api-types';

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
 * The engine methods the renderer may call. Not kernel.modtree: in Electron a module tree comes only from the native
 * folder dialog (CH_PICK_MODULE_TREE), and main reads its files for kernel.shell (main/module-tree.ts).
 */
export const ENGINE_METHODS: readonly EngineMethod[] = [
  'open',
  'close',
  'overview',
  'symbols',
  'relocations',
  'bytes',
  'kernel.boot',
  'kernel.load',
  'kernel.unload',
  'kernel.shell',
  'kernel.timeline',
  'kernel.steps',
  'kernel.seek',
  'kernel.memory',
  'kernel.log',
  'quiz.generate',
  'quiz.check',
  'quiz.sheet',
  'kernel.find',
  'kernel.locate',
  'whatif.list',
  'whatif.run',
];
/** Largest kernel profile accepted (the Debian one is ~330 KB gzipped). */
export const MAX_PROFILE_BYTES = 64 * 1024 * 1024;
const MAX_LINE = 4096;

/** Largest module accepted over IPC (compressed or not). Real modules are a few MiB at most. */
export const MAX_OPEN_BYTES = 512 * 1024 * 1024;
/** Largest byte window and table page one call may ask for: the engine's own limits (engine/engine.ts), not copies. */
export const MAX_BYTES_WINDOW = MAX_BYTES;
export { MAX_PAGE };
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

export type Validated<M extends EngineMethod = EngineMethod> = { ok: true; method: M; arg: EngineArg<M> } | { ok: false; error: EngineError };

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

  if (method.startsWith('kernel.')) {
    // Every kernel.* call may name the kernel version it addresses (kernel.boot: the one to boot).
    if (arg.version !== undefined && arg.version !== '6.1' && arg.version !== '2.4')
      return bad(`${method}: version must be "6.1" or "2.4"`, 'version');
    const v = validateKernelCall(method, arg);
    if (v.ok && arg.version !== undefined) (v.arg as KernelSelector).version = arg.version;
    return v;
  }

  if (method === 'whatif.list') return { ok: true, method, arg: {} };
  if (method === 'whatif.run') {
    if (!str(arg.id, MAX_ID)) return bad('whatif.run: id must be a module id', 'id');
    if (!str(arg.mutation, MAX_LINE)) return bad('whatif.run: mutation must be KIND:ARGUMENT (at most 4096 characters)', 'mutation');
    if (arg.args !== undefined && !str(arg.args, MAX_LINE, true)) return bad('whatif.run: args must be a string', 'args');
    if (arg.with !== undefined && !(Array.isArray(arg.with) && arg.with.length <= 64 && arg.with.every((k) => str(k, MAX_ID))))
      return bad('whatif.run: with must be a list of module ids', 'with');
    const clean: EngineArg<'whatif.run'> = { id: arg.id, mutation: arg.mutation };
    if (typeof arg.args === 'string') clean.args = arg.args;
    if (Array.isArray(arg.with)) clean.with = arg.with as string[];
    if (arg.profile !== undefined) {
      if (!(arg.profile instanceof Uint8Array) || arg.profile.length > MAX_PROFILE_BYTES)
        return bad(`whatif.run: profile must be the profile's bytes (at most ${MAX_PROFILE_BYTES} bytes)`, 'profile');
      clean.profile = arg.profile;
    }
    return { ok: true, method, arg: clean };
  }

  // quiz.* are validated beside kernel.* (quiz.check carries no module id).
  if (method.startsWith('quiz.')) return validateKernelCall(method, arg);

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
      const query = stringFields(arg.query, ['text', 'type', 'section', 'from', 'to']);
      if (query === false) return bad('symbols: query must be an object of short strings (text, type, section, from, to)', 'query');
      if (query) clean.query = query;
      return { ok: true, method, arg: clean };
    }
    case 'relocations': {
      if (!isUint(arg.section, 0xffffffff)) return bad('relocations: section must be a non-negative integer', 'section');
      if (!isUint(arg.offset)) return bad('relocations: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.limit, MAX_PAGE) || arg.limit === 0) return bad(`relocations: limit must be an integer 1..${MAX_PAGE}`, 'limit');
      const filter = stringFields(arg.filter, ['text', 'type', 'from', 'to']);
      if (filter === false) return bad('relocations: filter must be an object of short strings (text, type, from, to)', 'filter');
      const clean: EngineArg<'relocations'> = { id, section: arg.section, offset: arg.offset, limit: arg.limit };
      if (filter) clean.filter = filter;
      return { ok: true, method, arg: clean };
    }
    case 'bytes': {
      if (!isUint(arg.offset)) return bad('bytes: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.length, MAX_BYTES_WINDOW)) return bad(`bytes: length must be an integer 0..${MAX_BYTES_WINDOW}`, 'length');
      return { ok: true, method, arg: { id, offset: arg.offset, length: arg.length } };
    }
  }
  return bad('unreachable', 'method');
}

function validateKernelCall(method: EngineMethod, arg: Record<string, unknown>): Validated {
  switch (method) {
    case 'kernel.boot': {
      const clean: EngineArg<'kernel.boot'> = {};
      if (arg.profile !== undefined) {
        if (!(arg.profile instanceof Uint8Array) || arg.profile.byteLength > MAX_PROFILE_BYTES)
          return bad('kernel.boot: profile must be a Uint8Array', 'profile');
        clean.profile = arg.profile.slice();
      }
      if (arg.paging !== undefined) {
        if (arg.paging !== 4 && arg.paging !== 5) return bad('kernel.boot: paging must be 4 or 5', 'paging');
        clean.paging = arg.paging;
      }
      if (arg.kaslrSeed !== undefined && arg.kaslrSeed !== null) {
        if (!isUint(arg.kaslrSeed, 0xffffffff)) return bad('kernel.boot: kaslrSeed must be a 32-bit unsigned integer or null', 'kaslrSeed');
        clean.kaslrSeed = arg.kaslrSeed;
      }
      if (arg.quiet !== undefined) clean.quiet = arg.quiet === true;
      return { ok: true, method, arg: clean };
    }
    case 'kernel.load': {
      if (!str(arg.id, MAX_ID)) return bad('kernel.load: id must be a non-empty string', 'id');
      if (!str(arg.args, MAX_LINE, true)) return bad('kernel.load: args must be a string', 'args');
      const clean: EngineArg<'kernel.load'> = { id: arg.id, args: arg.args };
      if (arg.syscall === 'init_module' || arg.syscall === 'finit_module') clean.syscall = arg.syscall;
      else if (arg.syscall !== undefined) return bad('kernel.load: syscall must be init_module or finit_module', 'syscall');
      if (arg.flags !== undefined) {
        if (!isUint(arg.flags, 7)) return bad('kernel.load: flags must be 0..7', 'flags');
        clean.flags = arg.flags;
      }
      return { ok: true, method, arg: clean };
    }
    case 'kernel.unload':
      if (!str(arg.name, 64)) return bad('kernel.unload: name must be a non-empty string', 'name');
      return { ok: true, method, arg: { name: arg.name, force: arg.force === true } };
    case 'kernel.shell':
      if (!str(arg.line, MAX_LINE, true)) return bad(`kernel.shell: line must be a string of at most ${MAX_LINE} characters`, 'line');
      return { ok: true, method, arg: { line: arg.line } };
    case 'kernel.timeline':
      return { ok: true, method, arg: {} };
    case 'kernel.steps':
      if (!isUint(arg.offset)) return bad('kernel.steps: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.limit, MAX_PAGE) || arg.limit === 0) return bad(`kernel.steps: limit must be an integer 1..${MAX_PAGE}`, 'limit');
      return { ok: true, method, arg: { offset: arg.offset, limit: arg.limit } };
    case 'kernel.seek':
      if (!isUint(arg.pos)) return bad('kernel.seek: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { pos: arg.pos } };
    case 'kernel.memory':
      if (typeof arg.address !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(arg.address))
        return bad('kernel.memory: address must be a 0x… string', 'address');
      if (!isUint(arg.length, 4096)) return bad('kernel.memory: length must be 0..4096', 'length');
      if (!isUint(arg.pos)) return bad('kernel.memory: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { address: arg.address as `0x${string}`, length: arg.length, pos: arg.pos } };
    case 'kernel.log':
      if (!isUint(arg.pos)) return bad('kernel.log: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { pos: arg.pos } };
    case 'quiz.check': {
      const parts = arg.parts;
      const given = arg.given;
      if (!Array.isArray(parts) || parts.length === 0 || parts.length > 16)
        return bad('quiz.check: parts must be a list of 1..16 {format, answer}', 'parts');
      for (const p of parts as unknown[]) {
        const o = (p ?? {}) as Record<string, unknown>;
        if (!str(o.format, 16) || !str(o.answer, MAX_LINE, true)) return bad('quiz.check: each part is {format, answer} strings', 'parts');
      }
      if (!Array.isArray(given) || given.length > parts.length || !given.every((g) => str(g, MAX_LINE, true)))
        return bad('quiz.check: given must be a list of strings, at most one per part', 'given');
      const keyed = (parts as Record<string, string>[]).map((p) => ({ format: p.format, answer: p.answer }));
      return { ok: true, method, arg: { parts: keyed, given } as unknown as EngineArg<'quiz.check'> };
    }
    case 'quiz.generate':
    case 'quiz.sheet': {
      if (!str(arg.id, MAX_ID)) return bad(`${method}: id must be a module id`, 'id');
      if (!isUint(arg.seed, 0xffffffff)) return bad(`${method}: seed must be an integer 0..4294967295`, 'seed');
      if (arg.args !== undefined && !str(arg.args, MAX_LINE, true)) return bad(`${method}: args must be a string`, 'args');
      if (arg.student !== undefined && !str(arg.student, 200, true))
        return bad(`${method}: student must be a string of at most 200 characters`, 'student');
      if (arg.count !== undefined && (!isUint(arg.count, 100) || arg.count === 0)) return bad(`${method}: count must be an integer 1..100`, 'count');
      if (arg.kinds !== undefined && !(Array.isArray(arg.kinds) && arg.kinds.length <= 16 && arg.kinds.every((k) => str(k, 32))))
        return bad(`${method}: kinds must be a list of kind names`, 'kinds');
      if (arg.with !== undefined && !(Array.isArray(arg.with) && arg.with.length <= 64 && arg.with.every((k) => str(k, MAX_ID))))
        return bad(`${method}: with must be a list of module ids`, 'with');
      if (arg.kernel !== undefined && arg.kernel !== '6.1' && arg.kernel !== '2.4') return bad(`${method}: kernel must be "6.1" or "2.4"`, 'kernel');
      return { ok: true, method, arg: arg as unknown as EngineArg<'quiz.generate'> };
    }
    case 'kernel.find': {
      if (!str(arg.module, 64)) return bad('kernel.find: module must be a non-empty string', 'module');
      const t = (arg.target ?? {}) as Record<string, unknown>;
      if (t.kind === 'relocation' && str(t.relaSection, MAX_NAME) && isUint(t.entry))
        return { ok: true, method, arg: { module: arg.module, target: { kind: 'relocation', relaSection: t.relaSection, entry: t.entry } } };
      if (t.kind === 'symbol' && isUint(t.index))
        return { ok: true, method, arg: { module: arg.module, target: { kind: 'symbol', index: t.index } } };
      return bad('kernel.find: target must be {kind: "relocation", relaSection, entry} or {kind: "symbol", index}', 'target');
    }
    case 'kernel.locate':
      if (typeof arg.address !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(arg.address))
        return bad('kernel.locate: address must be a 0x… string', 'address');
      if (!isUint(arg.pos)) return bad('kernel.locate: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { address: arg.address as `0x${string}`, pos: arg.pos } };
  }
  return bad('unreachable', 'method');
}

/** A table filter: absent (undefined), a clean copy of its known short string fields, or false when malformed. */
function stringFields(v: unknown, keys: string[]): Record<string, string> | undefined | false {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (o[k] === undefined) continue;
    if (!str(o[k], MAX_FILTER, true)) return false;
    out[k] = o[k] as string;
  }
  return out;
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

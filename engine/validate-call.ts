/**
 * The one check of an engine call's arguments. The engine runs it on every call (engine.ts), whatever the host: the
 * browser's Web Worker and the CLI call the engine directly, Electron main runs it on what crosses IPC before
 * anything else (main/ipc-validate.ts). A bad argument is the same typed error everywhere: BAD_REQUEST naming the
 * field. What needs the engine's state (is a kernel booted, is the id open, is the offset inside the file) is
 * checked by the engine after this. Pure: imports only data and types.
 */
import type { EngineArg, EngineError, EngineMethod, FindTarget, KernelSelector } from './api-types';
import { MAX_BYTES, MAX_PAGE } from './api-types';
import { ANSWER_FORMATS, QUIZ_KINDS, type AnswerFormat } from './quiz/types';

/** Every engine method, in the order of EngineMethods (api-types.ts). */
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
  'kernel.modtree',
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
/** Largest module accepted (compressed or not). Real modules are a few MiB at most. */
export const MAX_OPEN_BYTES = 512 * 1024 * 1024;
/** A shell line, module arguments, a what-if mutation, a quiz answer. */
const MAX_LINE = 4096;
/**
 * A line typed into the shell pane: a whole script of `;`-joined commands may be pasted there (writing a
 * few dozen lines to /dev/kmsg fills 2.4's log_buf). Bounded as one argument of execve() is:
 * MAX_ARG_STRLEN = 32 pages (include/uapi/linux/binfmts.h).
 */
const MAX_SHELL_LINE = 32 * 4096;
const MAX_NAME = 4096;
const MAX_ID = 256;
const MAX_FILTER = 1024;
/** A module name as kernel.unload and kernel.find take it. */
const MAX_MODULE_NAME = 64;
/** Table offsets, row and symbol indexes, timeline positions. */
const MAX_INDEX = 2 ** 31;
const MAX_U32 = 0xffffffff;
/** Files one kernel.shell call may hand over from a module tree. */
const MAX_TREE_FILES = 4096;
const MAX_QUIZ_PARTS = 16;

export function isEngineMethod(m: unknown): m is EngineMethod {
  return typeof m === 'string' && (ENGINE_METHODS as readonly string[]).includes(m);
}

export type Validated<M extends EngineMethod = EngineMethod> = { ok: true; method: M; arg: EngineArg<M> } | { ok: false; error: EngineError };
type Bad = { ok: false; error: EngineError };

export function bad(message: string, field?: string): Bad {
  return { ok: false, error: field ? { code: 'BAD_REQUEST', message, field } : { code: 'BAD_REQUEST', message } };
}

/** A plain object (not an array, a class instance or an object with a foreign prototype). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isUint(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** A string of at most `max` characters (non-empty unless allowEmpty). */
export function str(v: unknown, max: number, allowEmpty = false): v is string {
  return typeof v === 'string' && v.length <= max && (allowEmpty || v.length > 0);
}

const isAddress = (v: unknown): v is `0x${string}` => typeof v === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(v);
const ids = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every((k) => str(k, MAX_ID));

/** A byte array that owns its buffer: a view onto a larger foreign buffer is copied. */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/**
 * Check `method` and `arg` and return a clean copy of the argument holding only known keys,
 * or a BAD_REQUEST error naming the field at fault.
 */
export function validateEngineCall(method: unknown, arg: unknown): Validated {
  if (!isEngineMethod(method)) return bad(`unknown engine method ${JSON.stringify(String(method)).slice(0, 80)}`, 'method');
  // kernel.modtree(null) forgets the tree.
  if (method === 'kernel.modtree' && arg === null) return { ok: true, method, arg: null };
  if (!isPlainObject(arg)) return bad(`argument of ${method} must be an object`, 'arg');

  if (method.startsWith('kernel.')) {
    // Every kernel.* call may name the kernel version it addresses (kernel.boot: the one to boot).
    if (arg.version !== undefined && arg.version !== '6.1' && arg.version !== '2.4')
      return bad(`${method}: version must be "6.1" or "2.4"`, 'version');
    const v = validateKernelCall(method, arg);
    if (v.ok && arg.version !== undefined && v.arg) (v.arg as KernelSelector).version = arg.version;
    return v;
  }
  if (method.startsWith('quiz.')) return validateQuizCall(method, arg);
  if (method.startsWith('whatif.')) return validateWhatIfCall(method, arg);
  return validateFileCall(method, arg);
}

/** open, close, overview, symbols, relocations, bytes: the calls on an opened file. */
function validateFileCall(method: EngineMethod, arg: Record<string, unknown>): Validated {
  if (method === 'open') {
    if (!str(arg.name, MAX_NAME)) return bad('open: name must be a non-empty string', 'name');
    const bytes = arg.bytes;
    if (!(bytes instanceof Uint8Array)) return bad('open: bytes must be a Uint8Array', 'bytes');
    if (bytes.byteLength > MAX_OPEN_BYTES) return bad(`open: file is larger than ${MAX_OPEN_BYTES} bytes`, 'bytes');
    return { ok: true, method, arg: { name: arg.name, bytes: owned(bytes) } };
  }

  if (!str(arg.id, MAX_ID)) return bad(`${method}: id must be a non-empty string`, 'id');
  const id = arg.id;
  switch (method) {
    case 'close':
    case 'overview':
      return { ok: true, method, arg: { id } };
    case 'symbols': {
      const page = pageOf(method, arg);
      if (!page.ok) return page;
      if (arg.filter !== undefined && !str(arg.filter, MAX_FILTER, true)) return bad('symbols: filter must be a string', 'filter');
      const clean: EngineArg<'symbols'> = { id, ...page.value };
      if (typeof arg.filter === 'string') clean.filter = arg.filter;
      const query = stringFields(arg.query, ['text', 'type', 'section', 'from', 'to']);
      if (query === false) return bad('symbols: query must be an object of short strings (text, type, section, from, to)', 'query');
      if (query) clean.query = query;
      return { ok: true, method, arg: clean };
    }
    case 'relocations': {
      if (!isUint(arg.section, MAX_U32)) return bad('relocations: section must be a non-negative integer', 'section');
      const page = pageOf(method, arg);
      if (!page.ok) return page;
      const filter = stringFields(arg.filter, ['text', 'type', 'from', 'to']);
      if (filter === false) return bad('relocations: filter must be an object of short strings (text, type, from, to)', 'filter');
      const clean: EngineArg<'relocations'> = { id, section: arg.section, ...page.value };
      if (filter) clean.filter = filter;
      return { ok: true, method, arg: clean };
    }
    case 'bytes': {
      if (!isUint(arg.offset)) return bad('bytes: offset must be a non-negative integer', 'offset');
      if (!isUint(arg.length, MAX_BYTES)) return bad(`bytes: length must be an integer 0..${MAX_BYTES}`, 'length');
      return { ok: true, method, arg: { id, offset: arg.offset, length: arg.length } };
    }
  }
  return bad(`unknown engine method ${method}`, 'method');
}

/** A table page: offset from 0, limit 1..MAX_PAGE. */
function pageOf(method: string, arg: Record<string, unknown>): { ok: true; value: { offset: number; limit: number } } | Bad {
  if (!isUint(arg.offset, MAX_INDEX)) return bad(`${method}: offset must be a non-negative integer`, 'offset');
  if (!isUint(arg.limit, MAX_PAGE) || arg.limit === 0) return bad(`${method}: limit must be an integer 1..${MAX_PAGE}`, 'limit');
  return { ok: true, value: { offset: arg.offset, limit: arg.limit } };
}

function validateKernelCall(method: EngineMethod, arg: Record<string, unknown>): Validated {
  switch (method) {
    case 'kernel.boot': {
      const clean: EngineArg<'kernel.boot'> = {};
      if (arg.profile !== undefined) {
        if (!(arg.profile instanceof Uint8Array) || arg.profile.byteLength > MAX_PROFILE_BYTES)
          return bad(`kernel.boot: profile must be the profile's bytes (at most ${MAX_PROFILE_BYTES} bytes)`, 'profile');
        clean.profile = arg.profile.slice();
      }
      if (arg.paging !== undefined) {
        if (arg.paging !== 4 && arg.paging !== 5) return bad('kernel.boot: paging must be 4 or 5', 'paging');
        clean.paging = arg.paging;
      }
      if (arg.kaslrSeed !== undefined && arg.kaslrSeed !== null) {
        if (!isUint(arg.kaslrSeed, MAX_U32)) return bad('kernel.boot: kaslrSeed must be a 32-bit unsigned integer or null', 'kaslrSeed');
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
        // MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC | MODULE_INIT_COMPRESSED_FILE (on 2.4: bit 0, -f).
        if (!isUint(arg.flags, 7)) return bad('kernel.load: flags must be 0..7', 'flags');
        clean.flags = arg.flags;
      }
      return { ok: true, method, arg: clean };
    }
    case 'kernel.unload':
      if (!str(arg.name, MAX_MODULE_NAME)) return bad('kernel.unload: name must be a non-empty string', 'name');
      return { ok: true, method, arg: { name: arg.name, force: arg.force === true } };
    case 'kernel.shell': {
      if (!str(arg.line, MAX_SHELL_LINE, true)) return bad(`kernel.shell: line must be a string of at most ${MAX_SHELL_LINE} characters`, 'line');
      if (arg.files === undefined) return { ok: true, method, arg: { line: arg.line } };
      if (!Array.isArray(arg.files) || arg.files.length > MAX_TREE_FILES) return bad('kernel.shell: files must be a list of {path, bytes}', 'files');
      const files: { path: string; bytes: Uint8Array }[] = [];
      for (const [i, f] of (arg.files as unknown[]).entries()) {
        const o = (f ?? {}) as Record<string, unknown>;
        if (!str(o.path, MAX_NAME) || !(o.bytes instanceof Uint8Array))
          return bad(`kernel.shell: files[${i}] must be {path: string, bytes: Uint8Array}`, `files[${i}]`);
        files.push({ path: o.path, bytes: o.bytes });
      }
      return { ok: true, method, arg: { line: arg.line, files } };
    }
    case 'kernel.modtree': {
      // The tree's own reader (engine/shell/module-tree.ts) checks each path and parses modules.dep, naming the field.
      const clean: Record<string, unknown> = { paths: arg.paths };
      for (const k of ['modulesDep', 'modulesSoftdep', 'label'] as const) if (arg[k] !== undefined) clean[k] = arg[k];
      return { ok: true, method, arg: clean as unknown as EngineArg<'kernel.modtree'> };
    }
    case 'kernel.timeline':
      return { ok: true, method, arg: {} };
    case 'kernel.steps': {
      const page = pageOf(method, arg);
      return page.ok ? { ok: true, method, arg: page.value } : page;
    }
    case 'kernel.seek':
      if (!isUint(arg.pos, MAX_INDEX)) return bad('kernel.seek: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { pos: arg.pos } };
    case 'kernel.memory':
      if (!isAddress(arg.address)) return bad('kernel.memory: address must be a 0x… string', 'address');
      if (!isUint(arg.length, 4096)) return bad('kernel.memory: length must be 0..4096', 'length');
      if (!isUint(arg.pos, MAX_INDEX)) return bad('kernel.memory: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { address: arg.address, length: arg.length, pos: arg.pos } };
    case 'kernel.log':
      if (!isUint(arg.pos, MAX_INDEX)) return bad('kernel.log: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { pos: arg.pos } };
    case 'kernel.find': {
      if (!str(arg.module, MAX_MODULE_NAME)) return bad('kernel.find: module must be a non-empty string', 'module');
      const target = findTarget(arg.target);
      if (!target) return bad('kernel.find: target must be {kind: "relocation", relaSection, entry} or {kind: "symbol", index}', 'target');
      return { ok: true, method, arg: { module: arg.module, target } };
    }
    case 'kernel.locate':
      if (!isAddress(arg.address)) return bad('kernel.locate: address must be a 0x… string', 'address');
      if (!isUint(arg.pos, MAX_INDEX)) return bad('kernel.locate: pos must be a non-negative integer', 'pos');
      return { ok: true, method, arg: { address: arg.address, pos: arg.pos } };
  }
  return bad(`unknown engine method ${method}`, 'method');
}

function findTarget(v: unknown): FindTarget | null {
  const t = (v ?? {}) as Record<string, unknown>;
  if (t.kind === 'relocation' && str(t.relaSection, MAX_NAME) && isUint(t.entry, MAX_INDEX))
    return { kind: 'relocation', relaSection: t.relaSection, entry: t.entry };
  if (t.kind === 'symbol' && isUint(t.index, MAX_INDEX)) return { kind: 'symbol', index: t.index };
  return null;
}

function validateQuizCall(method: EngineMethod, arg: Record<string, unknown>): Validated {
  if (method === 'quiz.check') {
    const parts = arg.parts;
    const given = arg.given;
    if (!Array.isArray(parts) || parts.length === 0 || parts.length > MAX_QUIZ_PARTS)
      return bad(`quiz.check: parts must be a list of 1..${MAX_QUIZ_PARTS} {format, answer}`, 'parts');
    const keyed: { format: AnswerFormat; answer: string }[] = [];
    for (const [i, p] of (parts as unknown[]).entries()) {
      const o = (p ?? {}) as Record<string, unknown>;
      if (!ANSWER_FORMATS.includes(o.format as AnswerFormat) || !str(o.answer, MAX_LINE, true))
        return bad(`quiz.check: parts[${i}] must be {format: ${ANSWER_FORMATS.join('|')}, answer: string}`, `parts[${i}]`);
      keyed.push({ format: o.format as AnswerFormat, answer: o.answer });
    }
    if (!Array.isArray(given) || given.length > parts.length || !given.every((g) => str(g, MAX_LINE, true)))
      return bad('quiz.check: given must be a list of strings (at most one per part, 4096 characters each)', 'given');
    return { ok: true, method, arg: { parts: keyed, given: given as string[] } };
  }
  // quiz.generate and quiz.sheet take the same request.
  if (!str(arg.id, MAX_ID)) return bad(`${method}: id must be a module id`, 'id');
  if (!isUint(arg.seed, MAX_U32)) return bad(`${method}: seed must be an integer 0..${MAX_U32}`, 'seed');
  const clean: EngineArg<'quiz.generate'> = { id: arg.id, seed: arg.seed };
  if (arg.args !== undefined) {
    if (!str(arg.args, MAX_LINE, true)) return bad(`${method}: args must be a string`, 'args');
    clean.args = arg.args;
  }
  if (arg.student !== undefined) {
    if (!str(arg.student, 200, true)) return bad(`${method}: student must be a string of at most 200 characters`, 'student');
    clean.student = arg.student;
  }
  if (arg.count !== undefined) {
    if (!isUint(arg.count, 100) || arg.count === 0) return bad(`${method}: count must be an integer 1..100`, 'count');
    clean.count = arg.count;
  }
  if (arg.kinds !== undefined) {
    const known = QUIZ_KINDS as readonly unknown[];
    if (!Array.isArray(arg.kinds) || arg.kinds.length > 16 || !arg.kinds.every((k) => known.includes(k)))
      return bad(`${method}: kinds must be among ${QUIZ_KINDS.join(', ')}`, 'kinds');
    clean.kinds = [...arg.kinds];
  }
  if (arg.with !== undefined) {
    if (!ids(arg.with, 64)) return bad(`${method}: with must be a list of module ids`, 'with');
    clean.with = [...arg.with];
  }
  if (arg.kernel !== undefined) {
    if (arg.kernel !== '6.1' && arg.kernel !== '2.4') return bad(`${method}: kernel must be "6.1" or "2.4"`, 'kernel');
    clean.kernel = arg.kernel;
  }
  return { ok: true, method, arg: clean };
}

function validateWhatIfCall(method: EngineMethod, arg: Record<string, unknown>): Validated {
  if (method === 'whatif.list') return { ok: true, method, arg: {} };
  if (!str(arg.id, MAX_ID)) return bad('whatif.run: id must be a module id', 'id');
  if (!str(arg.mutation, MAX_LINE))
    return bad('whatif.run: mutation must be KIND:ARGUMENT, e.g. crc:_printk (whatif.list names the kinds; at most 4096 characters)', 'mutation');
  if (arg.args !== undefined && !str(arg.args, MAX_LINE, true)) return bad('whatif.run: args must be a string', 'args');
  if (arg.with !== undefined && !ids(arg.with, 64)) return bad('whatif.run: with must be a list of module ids', 'with');
  const clean: EngineArg<'whatif.run'> = { id: arg.id, mutation: arg.mutation };
  if (typeof arg.args === 'string') clean.args = arg.args;
  if (Array.isArray(arg.with)) clean.with = [...(arg.with as string[])];
  if (arg.profile !== undefined) {
    if (!(arg.profile instanceof Uint8Array) || arg.profile.length > MAX_PROFILE_BYTES)
      return bad(`whatif.run: profile must be the profile's bytes (at most ${MAX_PROFILE_BYTES} bytes)`, 'profile');
    clean.profile = arg.profile;
  }
  return { ok: true, method, arg: clean };
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

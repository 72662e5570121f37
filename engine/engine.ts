/**
 * The engine: sessions of opened modules, answering EngineMethods.
 * Hosts (Electron main via IPC, the browser Web Worker, the Node CLI) each hold one Engine;
 * every answer is a Result envelope of plain data, so it crosses IPC and postMessage unchanged.
 */
import type { EngineArg, EngineError, EngineMethod, EngineValue, KernelVersion, ProgressEvent, Result } from './api-types';
import { MAX_BYTES, MAX_PAGE } from './api-types';

export { MAX_BYTES, MAX_PAGE };
import { isElfError } from './elf/errors';
import { openModule, type OpenedModule } from './session/open';
import { buildOverview } from './session/overview';
import { relocationPage, symbolPage } from './session/rows';
import { decompress, detectCompression } from './compress/index';
import { parseProfile, isKernelProfileError, type KernelProfile } from './kernel/profile';
import type { ModelKernel } from './kernel/model';
import { bootKernel, kernelSummary, loadOpened, logAt, memoryAt, seek, unload } from './kernel-session';
import { decodeUtf8 } from './elf/strings';
import { Shell } from './shell/index';
import { ModuleTree, ModuleTreeError } from './shell/module-tree';
import { attachCpu } from './cpu/attach';
import type { Decoder } from './cpu/types';
import type { Kernel24 } from './linux24/kernel24';
import { boot24, load24, summary24, unload24 } from './linux24/session24';
import { tagLanes61 } from './load/lanes-61';
import { Shell24 } from './linux24/shell24';
import { withItemExtras } from './view-models/item-extras';
import {
  ANSWER_FORMATS,
  checkParts,
  generateQuiz,
  QuizError,
  QUIZ_KINDS,
  quizMarkdown,
  type AnswerFormat,
  type Quiz,
  type QuizKind,
} from './quiz/index';
import { FilterError } from './session/table-filter';
import { findItem } from './session/find-item';
import { locateAddress } from './session/locate';
import type { FindTarget, RelocFilter, SymbolFilter } from './api-types';
import { MUTATION_HELP } from './whatif/mutate';
import { FAULT_HELP } from './whatif/faults';
import { runWhatIf, WhatIfDependencyError } from './whatif/run';

export interface Engine {
  call<M extends EngineMethod>(method: M, arg: EngineArg<M>, onProgress?: (p: ProgressEvent) => void): Promise<Result<EngineValue<M>>>;
}

class BadRequest extends Error {}

function fail(e: unknown): { ok: false; error: EngineError } {
  if (isElfError(e)) {
    const error: EngineError = { code: e.code, message: e.message, offset: e.offset };
    if (e.field !== undefined) error.field = e.field;
    return { ok: false, error };
  }
  if (e instanceof BadRequest) {
    const field = (e as { field?: unknown }).field;
    return {
      ok: false,
      error: typeof field === 'string' ? { code: 'BAD_REQUEST', message: e.message, field } : { code: 'BAD_REQUEST', message: e.message },
    };
  }
  if (e instanceof ModuleTreeError) return { ok: false, error: { code: 'BAD_REQUEST', message: e.message, field: e.field } };
  if (e instanceof FilterError) return { ok: false, error: { code: 'BAD_REQUEST', message: e.message, field: e.field } };
  if (isKernelProfileError(e)) return { ok: false, error: { code: 'BAD_PROFILE', message: e.message, field: e.path } };
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, error: { code: 'INTERNAL', message } };
}

function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new BadRequest(`${name} must be an integer in [${min}, ${max}]`);
  }
  return v;
}

/** An optional object of string fields (a table filter); anything else is a typed error. */
function strings<T extends object>(v: unknown, name: string): T | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object') throw new BadRequest(`${name} must be an object of strings`);
  for (const [key, x] of Object.entries(v)) {
    if (x !== undefined && typeof x !== 'string') throw new BadRequest(`${name}.${key} must be a string`);
  }
  return v as T;
}

function findTarget(v: unknown): FindTarget {
  const t = (v ?? {}) as Record<string, unknown>;
  if (t.kind === 'relocation' && typeof t.relaSection === 'string')
    return { kind: 'relocation', relaSection: t.relaSection, entry: int(t.entry, 'target.entry', 0, 2 ** 31) };
  if (t.kind === 'symbol') return { kind: 'symbol', index: int(t.index, 'target.index', 0, 2 ** 31) };
  throw new BadRequest('target must be {kind: "relocation", relaSection, entry} or {kind: "symbol", index}');
}

export interface EngineOptions {
  /** The x86-64 decoder (iced-x86, supplied by the host): with it, init and exit run on the modelled CPU. */
  decoder?: () => Decoder;
}

export function createEngine(options: EngineOptions = {}): Engine {
  let decoder: Decoder | null = null;
  const sessions = new Map<string, OpenedModule>();
  let next = 1;
  let profile: KernelProfile | null = null;
  let kernel: ModelKernel | null = null;
  let shell: Shell | null = null;
  /** The 2.4 model, when booted (calls address it by version: '2.4'). */
  let k24: Kernel24 | null = null;
  let shell24: Shell24 | null = null;
  /** The module tree the 6.1 shell's modprobe/modinfo read (kernel.modtree), bytes handed over as commands need them. */
  let tree: ModuleTree | null = null;
  let treeLabel = '';

  /** The shell finds module files among the opened ones, by base name (as if they sat in /root). */
  function openedFile(path: string): Uint8Array | null {
    const base = path.split('/').pop() ?? path;
    for (const m of sessions.values()) if (m.name === base) return m.fileBytes;
    return null;
  }

  /** The 6.1 shell: the opened files, and the module tree when one is set (modprobe NAME finds its modules there). */
  function makeShell(k: ModelKernel): Shell {
    const t = tree;
    if (!t) return new Shell(k, openedFile);
    return new Shell(k, (p) => t.file(p) ?? openedFile(p), { moduleIndex: t.shellIndex(), ...(t.depmod ? { depmod: t.depmod } : {}) });
  }

  function treeRoot(): string {
    return `/lib/modules/${profile?.release ?? kernel?.profile.release ?? 'unknown'}`;
  }

  /** The tree files a kernel.shell call hands over (decompressed here: the shell reads plain ELF). */
  async function provideFiles(files: unknown): Promise<void> {
    if (files === undefined) return;
    if (!tree) throw Object.assign(new BadRequest('files are for a module tree: call kernel.modtree first'), { field: 'files' });
    if (!Array.isArray(files) || files.length > 4096)
      throw Object.assign(new BadRequest('files must be a list of {path, bytes}'), { field: 'files' });
    for (const [i, f] of files.entries()) {
      const o = (f ?? {}) as Record<string, unknown>;
      if (typeof o.path !== 'string' || !(o.bytes instanceof Uint8Array))
        throw Object.assign(new BadRequest(`files[${i}] must be {path: string, bytes: Uint8Array}`), { field: `files[${i}]` });
      const bytes = detectCompression(o.bytes) ? await decompress(o.bytes) : o.bytes;
      tree.provide(o.path, bytes);
    }
  }

  function versionOf(a: Record<string, unknown>): KernelVersion {
    // Absent: 6.1, whatever was booted last (the Load view never names a version; the comparison view always does).
    if (a.version === undefined) return '6.1';
    if (a.version !== '6.1' && a.version !== '2.4') throw new BadRequest('version must be "6.1" or "2.4"');
    return a.version;
  }

  /** An exercise from a quiz.generate / quiz.sheet request (the same request gives the same questions). */
  function quizFor(a: Record<string, unknown>): Quiz {
    if (!profile) throw new BadRequest('quiz needs a kernel profile: call kernel.boot first');
    const m = get(a.id);
    const deps = (Array.isArray(a.with) ? a.with : []).map((id) => get(id));
    const kinds = Array.isArray(a.kinds)
      ? a.kinds.filter((k): k is QuizKind => typeof k === 'string' && (QUIZ_KINDS as readonly string[]).includes(k))
      : [];
    if (Array.isArray(a.kinds) && kinds.length !== a.kinds.length) throw new BadRequest(`kinds must be among ${QUIZ_KINDS.join(', ')}`);
    try {
      return generateQuiz({
        profile,
        decoder: options.decoder ? (decoder ??= options.decoder()) : null,
        module: { name: m.name, bytes: m.fileBytes },
        deps: deps.map((d) => ({ name: d.name, bytes: d.fileBytes })),
        args: typeof a.args === 'string' ? a.args : '',
        seed: int(a.seed, 'seed', 0, 2 ** 32 - 1),
        student: typeof a.student === 'string' ? a.student : '',
        count: a.count === undefined ? 10 : int(a.count, 'count', 1, 100),
        kinds,
        kernel: versionOf(a.kernel === undefined ? {} : { version: a.kernel }),
      });
    } catch (e) {
      if (e instanceof QuizError) throw Object.assign(new BadRequest(e.message), { field: e.field });
      throw e;
    }
  }

  async function readProfile(bytes: unknown): Promise<KernelProfile> {
    if (!(bytes instanceof Uint8Array)) throw Object.assign(new BadRequest('profile must be the .json.gz bytes'), { field: 'profile' });
    const raw = detectCompression(bytes) ? await decompress(bytes, undefined, { elf: false }) : bytes;
    return parseProfile(JSON.parse(decodeUtf8(raw, 0, raw.length)));
  }

  function booted24(): Kernel24 {
    if (!k24) throw Object.assign(new BadRequest('no 2.4 kernel booted: call kernel.boot with version "2.4" first'), { code: 'NOT_BOOTED' });
    return k24;
  }

  /** The ModelKernel holding the timeline, memory and log of that version (the 2.4 model's substrate for 2.4). */
  function booted(v: KernelVersion = '6.1'): ModelKernel {
    if (v === '2.4') return booted24().k;
    if (!kernel) throw Object.assign(new BadRequest('no kernel booted: call kernel.boot first'), { code: 'NOT_BOOTED' });
    return kernel;
  }

  function get(id: unknown): OpenedModule {
    const m = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!m) throw Object.assign(new BadRequest(`no open module with id ${String(id)}`), { code: 'NO_SUCH_MODULE' });
    return m;
  }

  async function dispatch(method: EngineMethod, arg: unknown, onProgress?: (p: ProgressEvent) => void): Promise<unknown> {
    const a = (arg ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'open': {
        if (typeof a.name !== 'string' || !(a.bytes instanceof Uint8Array)) throw new BadRequest('open needs {name: string, bytes: Uint8Array}');
        const id = `m${next++}`;
        const mod = await openModule(id, a.name, a.bytes, onProgress);
        sessions.set(id, mod);
        return mod.overview;
      }
      case 'close':
        get(a.id);
        sessions.delete(a.id as string);
        return true;
      case 'overview':
        return get(a.id).overview;
      case 'symbols': {
        const m = get(a.id);
        const filter = typeof a.filter === 'string' ? a.filter : undefined;
        return symbolPage(
          m,
          int(a.offset, 'offset', 0, 2 ** 31),
          int(a.limit, 'limit', 0, MAX_PAGE),
          filter,
          strings<SymbolFilter>(a.query, 'query'),
        );
      }
      case 'relocations': {
        const m = get(a.id);
        const filter = strings<RelocFilter>(a.filter, 'filter');
        return relocationPage(
          m,
          int(a.section, 'section', 0, 2 ** 31),
          int(a.offset, 'offset', 0, 2 ** 31),
          int(a.limit, 'limit', 0, MAX_PAGE),
          filter,
        );
      }
      case 'bytes': {
        const m = get(a.id);
        const offset = int(a.offset, 'offset', 0, m.fileBytes.length);
        const length = int(a.length, 'length', 0, MAX_BYTES);
        return m.fileBytes.slice(offset, Math.min(m.fileBytes.length, offset + length));
      }
      case 'kernel.boot': {
        if (a.profile !== undefined) profile = await readProfile(a.profile);
        if (!profile) throw new BadRequest('the first kernel.boot needs the kernel profile');
        if (versionOf(a) === '2.4') {
          k24 = boot24(profile, options.decoder ? (decoder ??= options.decoder()) : null);
          shell24 = new Shell24(k24, openedFile);
          return summary24(k24);
        }
        const paging = a.paging === 5 ? 5 : 4;
        const seed = a.kaslrSeed === null || a.kaslrSeed === undefined ? null : int(a.kaslrSeed, 'kaslrSeed', 0, 2 ** 32 - 1);
        kernel = bootKernel(profile, { paging, kaslrSeed: seed, quiet: a.quiet === true });
        if (options.decoder) attachCpu(kernel, (decoder ??= options.decoder()));
        shell = makeShell(kernel);
        return { ...kernelSummary(kernel), version: '6.1' };
      }
      case 'kernel.load': {
        const v = versionOf(a);
        const k = booted(v);
        const m = get(a.id);
        const args = typeof a.args === 'string' ? a.args : '';
        const syscall = a.syscall === 'init_module' ? 'init_module' : 'finit_module';
        const flags = a.flags === undefined ? 0 : int(a.flags, 'flags', 0, 7);
        if (v === '2.4') return load24(booted24(), m.name, m.fileBytes, args, flags);
        return loadOpened(k, m.name, m.fileBytes, args, syscall, flags);
      }
      case 'kernel.unload': {
        if (typeof a.name !== 'string') throw new BadRequest('unload needs {name: string}');
        if (versionOf(a) === '2.4') return unload24(booted24(), a.name);
        const k61 = booted('6.1');
        const done = unload(k61, a.name, a.force === true);
        tagLanes61(k61.timeline, done.index);
        return done;
      }
      case 'kernel.shell': {
        const v = versionOf(a);
        const k = booted(v);
        if (typeof a.line !== 'string') throw new BadRequest('shell needs {line: string}');
        if (v === '2.4') {
          const before24 = k.timeline.ops.length;
          const r = (shell24 ??= new Shell24(booted24(), openedFile)).run(a.line);
          return { output: r.output, exit: r.exit, ops: k.timeline.ops.slice(before24) };
        }
        await provideFiles(a.files);
        // A module tree is read lazily: first the files this line will read (none when it has them all).
        const needs = tree && profile ? tree.needs(a.line, profile) : [];
        if (needs.length) return { output: '', exit: 0, ops: [], needs };
        const before = k.timeline.ops.length;
        const r = (shell ?? (shell = makeShell(k))).run(a.line);
        tagLanes61(k.timeline, before);
        return { output: r.output, exit: r.exit, ops: k.timeline.ops.slice(before) };
      }
      case 'kernel.modtree': {
        if (arg === null) {
          tree = null;
          if (kernel) shell = makeShell(kernel);
          return null;
        }
        if (!profile)
          throw Object.assign(new BadRequest('boot the kernel first: the tree sits under its /lib/modules/<release>'), { code: 'NOT_BOOTED' });
        const t = new ModuleTree(
          { paths: a.paths as string[], modulesDep: a.modulesDep as string | undefined, modulesSoftdep: a.modulesSoftdep as string | undefined },
          treeRoot(),
        );
        tree = t;
        treeLabel = typeof a.label === 'string' ? a.label.slice(0, 256) : '';
        if (kernel) shell = makeShell(kernel);
        return { label: treeLabel, modules: t.size, dependencies: t.depmod ? 'modules.dep' : 'Module.symvers', root: t.root };
      }
      case 'kernel.timeline': {
        const k = booted(versionOf(a));
        return { length: k.timeline.length, steps: k.timeline.stepCount(), ops: k.timeline.ops };
      }
      case 'kernel.steps': {
        const k = booted(versionOf(a));
        const offset = int(a.offset, 'offset', 0, 2 ** 31);
        const limit = int(a.limit, 'limit', 0, MAX_PAGE);
        const total = k.timeline.stepCount();
        const rows = [];
        for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(k.timeline.step(i));
        return { total, offset, rows };
      }
      case 'kernel.seek': {
        const k = booted(versionOf(a));
        if (k.timeline.length === 0) throw new BadRequest('the timeline is empty');
        return withItemExtras(k, seek(k, int(a.pos, 'pos', 0, 2 ** 31), decoder), decoder);
      }
      case 'kernel.memory': {
        const k = booted(versionOf(a));
        if (typeof a.address !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(a.address)) throw new BadRequest('address must be a 0x… string');
        return memoryAt(k, BigInt(a.address), int(a.length, 'length', 0, 4096), int(a.pos, 'pos', 0, 2 ** 31));
      }
      case 'kernel.log':
        return logAt(booted(versionOf(a)), int(a.pos, 'pos', 0, 2 ** 31));
      case 'quiz.generate':
        return quizFor(a);
      case 'quiz.sheet': {
        const q = quizFor(a);
        return { sheet: quizMarkdown(q, false), key: quizMarkdown(q, true) };
      }
      case 'quiz.check': {
        const parts = a.parts;
        const given = a.given;
        if (!Array.isArray(parts) || parts.length === 0 || parts.length > 16) throw new BadRequest('parts must be a list of 1..16 {format, answer}');
        if (!Array.isArray(given) || given.length > parts.length || !given.every((g) => typeof g === 'string' && g.length <= 4096))
          throw new BadRequest('given must be a list of strings (at most one per part, 4096 characters each)');
        const keyed = parts.map((p: unknown, i) => {
          const o = (p ?? {}) as Record<string, unknown>;
          if (typeof o.answer !== 'string' || !ANSWER_FORMATS.includes(o.format as AnswerFormat))
            throw Object.assign(new BadRequest(`parts[${i}] must be {format: ${ANSWER_FORMATS.join('|')}, answer: string}`), {
              field: `parts[${i}]`,
            });
          return { format: o.format as AnswerFormat, answer: o.answer };
        });
        return checkParts(keyed, given as string[]);
      }
      case 'kernel.find': {
        const k = booted(versionOf(a));
        if (typeof a.module !== 'string') throw new BadRequest('find needs {module: string, target}');
        return findItem(k, a.module, findTarget(a.target));
      }
      case 'kernel.locate': {
        const k = booted(versionOf(a));
        if (typeof a.address !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(a.address)) throw new BadRequest('address must be a 0x… string');
        return locateAddress(k, BigInt(a.address), int(a.pos, 'pos', 0, 2 ** 31));
      }
      case 'whatif.list':
        return [...MUTATION_HELP, ...FAULT_HELP].map(([name, what]) => ({ name, what }));
      case 'whatif.run': {
        // The what-if boots kernels of its own: it needs the profile, not a booted kernel (given once, kept).
        if (!profile && a.profile !== undefined) profile = await readProfile(a.profile);
        if (!profile)
          throw Object.assign(new BadRequest('whatif needs the kernel profile (give profile, or call kernel.boot first)'), { field: 'profile' });
        const m = get(a.id);
        if (typeof a.mutation !== 'string' || a.mutation.length === 0 || a.mutation.length > 4096)
          throw Object.assign(new BadRequest('mutation must be KIND:ARGUMENT, e.g. crc:_printk (whatif.list names the kinds)'), {
            field: 'mutation',
          });
        const deps = (Array.isArray(a.with) ? a.with : []).map((id) => get(id));
        const args = typeof a.args === 'string' && a.args.trim() ? a.args.trim().split(/\s+/) : [];
        try {
          return runWhatIf({
            profile,
            decoder: options.decoder ? (decoder ??= options.decoder()) : null,
            module: { name: m.name, bytes: m.fileBytes },
            deps: deps.map((d) => ({ name: d.name, bytes: d.fileBytes })),
            args,
            mutation: a.mutation,
          });
        } catch (e) {
          if (e instanceof WhatIfDependencyError) throw Object.assign(new BadRequest(e.message), { field: 'with' });
          throw e;
        }
      }
      default:
        throw new BadRequest(`unknown method ${String(method)}`);
    }
  }

  return {
    async call(method, arg, onProgress) {
      try {
        const value = await dispatch(method, arg, onProgress);
        return { ok: true, value } as Result<EngineValue<typeof method>>;
      } catch (e) {
        const r = fail(e);
        const code = (e as { code?: string }).code;
        if (e instanceof BadRequest && (code === 'NO_SUCH_MODULE' || code === 'NOT_BOOTED')) r.error.code = code;
        return r;
      }
    },
  };
}

export { buildOverview };

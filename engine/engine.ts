/**
 * The engine: sessions of opened modules, answering EngineMethods.
 * Hosts (Electron main via IPC, the browser Web Worker, the Node CLI) each hold one Engine;
 * every answer is a Result envelope of plain data, so it crosses IPC and postMessage unchanged.
 */
import type { EngineArg, EngineError, EngineMethod, EngineValue, KernelVersion, ProgressEvent, Result } from './api-types';
import { validateEngineCall } from './validate-call';

export { MAX_BYTES, MAX_PAGE } from './api-types';
import { isElfError } from './elf/errors';
import { openModule, type OpenedModule } from './session/open';
import { buildOverview } from './session/overview';
import { relocationPage, symbolPage } from './session/rows';
import { decompress, detectCompression } from './compress/index';
import { parseProfile, isKernelProfileError, type KernelProfile } from './kernel/profile';
import { decodeProfileBinary, isProfileBinary } from './kernel/profile-binary';
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
import { checkParts, generateQuiz, QuizError, quizMarkdown, type AnswerFormat, type Quiz, type QuizKind } from './quiz/index';
import { FilterError } from './session/table-filter';
import { findItem } from './session/find-item';
import { locateAddress } from './session/locate';
import type { FindTarget, Hex64, RelocFilter, SymbolFilter } from './api-types';
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
  async function provideFiles(files: { path: string; bytes: Uint8Array }[] | undefined): Promise<void> {
    if (files === undefined) return;
    if (!tree) throw Object.assign(new BadRequest('files are for a module tree: call kernel.modtree first'), { field: 'files' });
    for (const f of files) tree.provide(f.path, detectCompression(f.bytes) ? await decompress(f.bytes) : f.bytes);
  }

  /** The version a validated call addresses. Absent: 6.1 (the Load view never names a version; the comparison view always does). */
  function versionOf(a: Record<string, unknown>): KernelVersion {
    return a.version === '2.4' ? '2.4' : '6.1';
  }

  /** An exercise from a quiz.generate / quiz.sheet request (the same request gives the same questions). */
  function quizFor(a: Record<string, unknown>): Quiz {
    if (!profile) throw new BadRequest('quiz needs a kernel profile: call kernel.boot first');
    const m = get(a.id);
    const deps = (Array.isArray(a.with) ? a.with : []).map((id) => get(id));
    const kinds = (a.kinds ?? []) as QuizKind[];
    try {
      return generateQuiz({
        profile,
        decoder: options.decoder ? (decoder ??= options.decoder()) : null,
        module: { name: m.name, bytes: m.fileBytes },
        deps: deps.map((d) => ({ name: d.name, bytes: d.fileBytes })),
        args: typeof a.args === 'string' ? a.args : '',
        seed: a.seed as number,
        student: typeof a.student === 'string' ? a.student : '',
        count: a.count === undefined ? 10 : (a.count as number),
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
    // The precomputed binary table (profile-binary.ts) where the host serves one: no JSON parse, exports built lazily.
    if (isProfileBinary(bytes)) return decodeProfileBinary(bytes);
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

  /** Answer a call whose argument validateEngineCall() has checked: what is left to check here needs the engine's state. */
  async function dispatch(method: EngineMethod, arg: unknown, onProgress?: (p: ProgressEvent) => void): Promise<unknown> {
    const a = (arg ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'open': {
        const id = `m${next++}`;
        const mod = await openModule(id, a.name as string, a.bytes as Uint8Array, onProgress);
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
        return symbolPage(m, a.offset as number, a.limit as number, filter, a.query as SymbolFilter | undefined);
      }
      case 'relocations': {
        const m = get(a.id);
        return relocationPage(m, a.section as number, a.offset as number, a.limit as number, a.filter as RelocFilter | undefined);
      }
      case 'bytes': {
        const m = get(a.id);
        const offset = a.offset as number;
        const length = a.length as number;
        if (offset > m.fileBytes.length)
          throw Object.assign(new BadRequest(`offset must be an integer in [0, ${m.fileBytes.length}] (the file's size)`), { field: 'offset' });
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
        const seed = a.kaslrSeed === null || a.kaslrSeed === undefined ? null : (a.kaslrSeed as number);
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
        const flags = a.flags === undefined ? 0 : (a.flags as number);
        if (v === '2.4') return load24(booted24(), m.name, m.fileBytes, args, flags);
        return loadOpened(k, m.name, m.fileBytes, args, syscall, flags);
      }
      case 'kernel.unload': {
        const name = a.name as string;
        if (versionOf(a) === '2.4') return unload24(booted24(), name);
        const k61 = booted('6.1');
        const done = unload(k61, name, a.force === true);
        tagLanes61(k61.timeline, done.index);
        return done;
      }
      case 'kernel.shell': {
        const v = versionOf(a);
        const k = booted(v);
        const line = a.line as string;
        if (v === '2.4') {
          const before24 = k.timeline.ops.length;
          const r = (shell24 ??= new Shell24(booted24(), openedFile)).run(line);
          return { output: r.output, exit: r.exit, ops: k.timeline.ops.slice(before24) };
        }
        await provideFiles(a.files as EngineArg<'kernel.shell'>['files']);
        // A module tree is read lazily: first the files this line will read (none when it has them all).
        const needs = tree && profile ? tree.needs(line, profile) : [];
        if (needs.length) return { output: '', exit: 0, ops: [], needs };
        const before = k.timeline.ops.length;
        const r = (shell ?? (shell = makeShell(k))).run(line);
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
        const offset = a.offset as number;
        const limit = a.limit as number;
        const total = k.timeline.stepCount();
        const rows = [];
        for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(k.timeline.step(i));
        return { total, offset, rows };
      }
      case 'kernel.seek': {
        const k = booted(versionOf(a));
        if (k.timeline.length === 0) throw new BadRequest('the timeline is empty');
        return withItemExtras(k, seek(k, a.pos as number, decoder), decoder);
      }
      case 'kernel.memory': {
        const k = booted(versionOf(a));
        return memoryAt(k, BigInt(a.address as Hex64), a.length as number, a.pos as number);
      }
      case 'kernel.log':
        return logAt(booted(versionOf(a)), a.pos as number);
      case 'quiz.generate':
        return quizFor(a);
      case 'quiz.sheet': {
        const q = quizFor(a);
        return { sheet: quizMarkdown(q, false), key: quizMarkdown(q, true) };
      }
      case 'quiz.check':
        return checkParts(a.parts as { format: AnswerFormat; answer: string }[], a.given as string[]);
      case 'kernel.find': {
        const k = booted(versionOf(a));
        return findItem(k, a.module as string, a.target as FindTarget);
      }
      case 'kernel.locate': {
        const k = booted(versionOf(a));
        return locateAddress(k, BigInt(a.address as Hex64), a.pos as number);
      }
      case 'whatif.list':
        return [...MUTATION_HELP, ...FAULT_HELP].map(([name, what]) => ({ name, what }));
      case 'whatif.run': {
        // The what-if boots kernels of its own: it needs the profile, not a booted kernel (given once, kept).
        if (!profile && a.profile !== undefined) profile = await readProfile(a.profile);
        if (!profile)
          throw Object.assign(new BadRequest('whatif needs the kernel profile (give profile, or call kernel.boot first)'), { field: 'profile' });
        const m = get(a.id);
        const deps = (Array.isArray(a.with) ? a.with : []).map((id) => get(id));
        const args = typeof a.args === 'string' && a.args.trim() ? a.args.trim().split(/\s+/) : [];
        try {
          return runWhatIf({
            profile,
            decoder: options.decoder ? (decoder ??= options.decoder()) : null,
            module: { name: m.name, bytes: m.fileBytes },
            deps: deps.map((d) => ({ name: d.name, bytes: d.fileBytes })),
            args,
            mutation: a.mutation as string,
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
      // The same check Electron main runs on what crosses IPC (main/ipc-validate.ts): one validator, one typed error.
      const valid = validateEngineCall(method, arg);
      if (!valid.ok) return valid;
      try {
        const value = await dispatch(valid.method, valid.arg, onProgress);
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

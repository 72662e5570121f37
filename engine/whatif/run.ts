/**
 * One what-if, whole: the module loaded as it is and as mutated, each on a freshly booted modelled 6.1
 * kernel (the same dependencies first), the two step lists aligned up to the first step where they part.
 * The CLI (`modscope whatif`) and the app's What if view both ask this.
 */
import { attachCpu } from '../cpu/attach';
import type { AllocSite, FaultSpec } from '../load/fault-sites';
import type { Decoder } from '../cpu/types';
import { ModelKernel } from '../kernel/model';
import type { KernelProfile } from '../kernel/profile';
import { insmodTail } from '../load/insmod-tail';
import { loadModule } from '../load/load-module';
import { opEnd } from '../trace/outcome';
import type { OperationInfo } from '../trace/types';
import { firstDivergence, type Divergence, type StepLike } from './compare';
import { bad } from './elf-edit';
import { loadWithFault } from './fault-run';
import { isFault, parseFault } from './faults';
import { mutate, parseMutation, type Mutated } from './mutate';
import { exportsSymbol } from './unexport';

export interface WhatIfSide {
  /** The load's steps (load_module() and what follows), each with the kernel log lines it printed. */
  steps: StepLike[];
  /** Everything the kernel logged during the load. */
  log: { level: number; text: string }[];
  /** insmod's last line ("insmod: ok", "insmod: ERROR: could not insert module …: …"). */
  tail: string;
  /** The syscall's return value (0, -errno) or null when the run ended otherwise. */
  result: number | null;
  end: 'returned' | 'killed' | 'unknown';
}

/** What a kernel fault (fail-alloc:…, fail:…) did: whether the load reached it, where, and what the failed load left. */
export interface WhatIfFault {
  /** False when the load never reached the site or function (the two loads are then the same). */
  fired: boolean;
  /** The allocation that returned NULL (fail-alloc:…), numbered as in `sites`; null for fail:FUNCTION. */
  site: AllocSite | null;
  /** The kernel function the fault was put in. */
  fn: string | null;
  /** Allocations the what-if load made and did not free (6.1's error path frees them all: empty), null when it loaded. */
  leaked: { label: string; base: string; size: number }[] | null;
  percpu: { before: number; after: number };
}

export interface WhatIfAnswer {
  mutation: string;
  /** What the mutation changed, in words, with the file offset. */
  change: string;
  offset: number | null;
  divergence: Divergence;
  base: WhatIfSide;
  whatif: WhatIfSide;
  /** The allocation sites the unmodified load reaches, numbered in order: what fail-alloc:N and fail-alloc:SITE can fail. */
  sites: AllocSite[];
  /** For a kernel fault: what it did; null for a change to the module. */
  fault: WhatIfFault | null;
}

export interface WhatIfInput {
  profile: KernelProfile;
  decoder: Decoder | null;
  module: { name: string; bytes: Uint8Array };
  /** Loaded first, on both kernels (a provider before its consumer; without:NAME leaves one out of the what-if). */
  deps: { name: string; bytes: Uint8Array }[];
  args: string[];
  mutation: string;
}

export class WhatIfDependencyError extends Error {
  constructor(
    readonly dep: string,
    readonly op: OperationInfo,
  ) {
    super(`${dep} failed to load first (${insmodTail(op)})`);
  }
}

type Dep = WhatIfInput['deps'][number];

interface SideRun {
  side: WhatIfSide;
  sites: AllocSite[];
  fault: WhatIfFault;
}

function side(input: WhatIfInput, image: Uint8Array, args: string[], deps: readonly Dep[], spec: FaultSpec = { kind: 'none' }): SideRun {
  const k = new ModelKernel(input.profile, {});
  if (input.decoder) attachCpu(k, input.decoder);
  for (const dep of deps) {
    const r = loadModule(k, { fileName: dep.name, image: dep.bytes, args: '', syscall: 'finit_module' });
    if (r.errno !== 0) throw new WhatIfDependencyError(dep.name, r.op);
  }
  const logFrom = k.log.records.length;
  const name = input.module.name;
  const run = loadWithFault(
    k,
    { fileName: name, image, args: args.join(' '), syscall: 'finit_module', command: `insmod ${name}${args.length ? ' ' + args.join(' ') : ''}` },
    spec,
  );
  const r = run.result;
  const records = k.log.records.slice(logFrom);
  const steps: StepLike[] = [];
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== r.op.index) continue;
    const log = records.filter((l) => l.pos >= s.pos && l.pos < s.pos + Math.max(1, s.span)).map((l) => `<${l.level}>${l.text}`);
    steps.push({ fn: s.fn, file: s.file, title: s.title, text: s.text, ...(s.errno ? { errno: s.errno } : {}), ...(log.length ? { log } : {}) });
  }
  const end = opEnd(r.op).kind;
  const fired = run.injector.fired;
  return {
    side: {
      steps,
      log: records.map((l) => ({ level: l.level, text: l.text })),
      tail: insmodTail(r.op),
      result: end === 'returned' ? (r.op.result ?? 0) : null,
      end,
    },
    sites: run.injector.sites,
    fault: {
      fired: fired !== null,
      site: fired?.site ?? null,
      fn: fired?.fn ?? null,
      leaked: r.errno !== 0 ? run.leaked.map((a) => ({ label: a.label, base: `0x${a.base.toString(16)}`, size: a.size })) : null,
      percpu: { before: run.percpuBefore, after: run.percpuAfter },
    },
  };
}

/** A dependency's module name as the kernel has it (KBUILD_MODNAME: '-' becomes '_'). */
const modName = (file: string): string =>
  file
    .slice(file.lastIndexOf('/') + 1)
    .replace(/\.ko(\.[gx]z|\.zst)?$/, '')
    .replace(/-/g, '_');

/**
 * The what-if's module image and dependencies: unexport:SYMBOL changes the module that exports SYMBOL (the one
 * loaded, or else the dependency that provides it, so its consumer's import goes unresolved); without:NAME leaves
 * a dependency out (a consumer without its provider). Other mutations change the loaded module.
 */
export function mutateWithDeps(input: Pick<WhatIfInput, 'module' | 'deps' | 'mutation'>): { m: Mutated; image: Uint8Array; deps: Dep[] } {
  const mutation = parseMutation(input.mutation);
  const bytes = input.module.bytes;
  const provider =
    mutation.kind === 'unexport' && !exportsSymbol(bytes, mutation.symbol)
      ? input.deps.find((d) => exportsSymbol(d.bytes, mutation.symbol))
      : undefined;
  let m: Mutated;
  let image = bytes;
  let deps: Dep[] = input.deps;
  if (provider) {
    m = mutate(provider.bytes, mutation);
    m = { ...m, change: `${provider.name}: ${m.change}` };
    const changed = m.image;
    deps = input.deps.map((d) => (d === provider ? { name: d.name, bytes: changed } : d));
  } else {
    m = mutate(bytes, mutation);
    image = m.image;
  }
  for (const w of m.without)
    if (!input.deps.some((d) => modName(d.name) === w))
      bad(`without:${w}: no dependency is called ${w} (${input.deps.map((d) => modName(d.name)).join(', ') || 'none given'})`);
  deps = deps.filter((d) => !m.without.includes(modName(d.name)));
  return { m, image, deps };
}

/** The allocation sites the module's unmodified load reaches, numbered (what `fail-alloc:list` prints). */
export function allocSites(input: Omit<WhatIfInput, 'mutation'>): AllocSite[] {
  return side({ ...input, mutation: '' }, input.module.bytes, input.args, input.deps).sites;
}

/**
 * Runs both loads; a malformed mutation or one that does not fit the module is a typed ElfError (field "mutation",
 * or "fault" for a kernel fault). A fault (fail-alloc:…, fail:…) leaves the module as it is and fails the kernel.
 */
export function runWhatIf(input: WhatIfInput): WhatIfAnswer {
  if (isFault(input.mutation)) {
    const f = parseFault(input.mutation);
    if (f.kind === 'list') bad('fail-alloc:list lists the allocation sites (the answer of any what-if carries them as sites): fail one by N or SITE');
    const base = side(input, input.module.bytes, input.args, input.deps);
    const changed = side(input, input.module.bytes, input.args, input.deps, f.spec);
    const at = changed.fault.site;
    return {
      mutation: input.mutation,
      change: at ? `${f.change} — ${at.fn}() → ${at.allocator}(): ${at.what}` : f.change,
      offset: null,
      divergence: firstDivergence(base.side.steps, changed.side.steps),
      base: base.side,
      whatif: changed.side,
      sites: base.sites,
      fault: changed.fault,
    };
  }
  const { m, image, deps } = mutateWithDeps(input);
  const base = side(input, input.module.bytes, input.args, input.deps);
  const whatif = side(input, image, [...input.args, ...m.args], deps);
  return {
    mutation: input.mutation,
    change: m.change,
    offset: m.offset,
    divergence: firstDivergence(base.side.steps, whatif.side.steps),
    base: base.side,
    whatif: whatif.side,
    sites: base.sites,
    fault: null,
  };
}

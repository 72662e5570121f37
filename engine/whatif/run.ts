/**
 * One what-if, whole: the module loaded as it is and as mutated, each on a freshly booted modelled 6.1
 * kernel (the same dependencies first), the two step lists aligned up to the first step where they part.
 * The CLI (`modscope whatif`) and the app's What if view both ask this.
 */
import { attachCpu } from '../cpu/attach';
import type { Decoder } from '../cpu/types';
import { ModelKernel } from '../kernel/model';
import type { KernelProfile } from '../kernel/profile';
import { insmodTail } from '../load/insmod-tail';
import { loadModule } from '../load/load-module';
import { opEnd } from '../trace/outcome';
import type { OperationInfo } from '../trace/types';
import { firstDivergence, type Divergence, type StepLike } from './compare';
import { bad } from './elf-edit';
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

export interface WhatIfAnswer {
  mutation: string;
  /** What the mutation changed, in words, with the file offset. */
  change: string;
  offset: number | null;
  divergence: Divergence;
  base: WhatIfSide;
  whatif: WhatIfSide;
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

function side(input: WhatIfInput, image: Uint8Array, args: string[], deps: readonly Dep[]): WhatIfSide {
  const k = new ModelKernel(input.profile, {});
  if (input.decoder) attachCpu(k, input.decoder);
  for (const dep of deps) {
    const r = loadModule(k, { fileName: dep.name, image: dep.bytes, args: '', syscall: 'finit_module' });
    if (r.errno !== 0) throw new WhatIfDependencyError(dep.name, r.op);
  }
  const logFrom = k.log.records.length;
  const name = input.module.name;
  const r = loadModule(k, {
    fileName: name,
    image,
    args: args.join(' '),
    syscall: 'finit_module',
    command: `insmod ${name}${args.length ? ' ' + args.join(' ') : ''}`,
  });
  const records = k.log.records.slice(logFrom);
  const steps: StepLike[] = [];
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== r.op.index) continue;
    const log = records.filter((l) => l.pos >= s.pos && l.pos < s.pos + Math.max(1, s.span)).map((l) => `<${l.level}>${l.text}`);
    steps.push({ fn: s.fn, file: s.file, title: s.title, text: s.text, ...(s.errno ? { errno: s.errno } : {}), ...(log.length ? { log } : {}) });
  }
  const end = opEnd(r.op).kind;
  return {
    steps,
    log: records.map((l) => ({ level: l.level, text: l.text })),
    tail: insmodTail(r.op),
    result: end === 'returned' ? (r.op.result ?? 0) : null,
    end,
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

/** Runs both loads; a malformed mutation or one that does not fit the module is a typed ElfError (field "mutation"). */
export function runWhatIf(input: WhatIfInput): WhatIfAnswer {
  const { m, image, deps } = mutateWithDeps(input);
  const base = side(input, input.module.bytes, input.args, input.deps);
  const whatif = side(input, image, [...input.args, ...m.args], deps);
  return { mutation: input.mutation, change: m.change, offset: m.offset, divergence: firstDivergence(base.steps, whatif.steps), base, whatif };
}

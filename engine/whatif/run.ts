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
import { mutate, parseMutation } from './mutate';

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
  /** Loaded first, on both kernels (a provider before its consumer). */
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

function side(input: WhatIfInput, image: Uint8Array, args: string[]): WhatIfSide {
  const k = new ModelKernel(input.profile, {});
  if (input.decoder) attachCpu(k, input.decoder);
  for (const dep of input.deps) {
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

/** Runs both loads; a malformed mutation or one that does not fit the module is a typed ElfError (field "mutation"). */
export function runWhatIf(input: WhatIfInput): WhatIfAnswer {
  const m = mutate(input.module.bytes, parseMutation(input.mutation));
  const base = side(input, input.module.bytes, input.args);
  const whatif = side(input, m.image, [...input.args, ...m.args]);
  return { mutation: input.mutation, change: m.change, offset: m.offset, divergence: firstDivergence(base.steps, whatif.steps), base, whatif };
}

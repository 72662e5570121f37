/**
 * `modscope init-all <dir> [--every N] [--budget N] [--json] [--speculate]`: run the init function of
 * every module under dir that has one, each on a fresh modelled kernel with its modprobe dependencies
 * loaded first (their inits run too), the CPU and the kernel-function models attached as the app
 * attaches them (engine/cpu/attach.ts). Counts how each init ended: returned (0, -errno, > 0), stopped
 * at a kernel function without a model ("Modscope cannot say what Linux does after X"), oops, the
 * instruction budget running out (cannot say), BUG(), an instruction the CPU does not implement, and tool errors
 * (an exception escaping the engine). An oops, BUG or lockup is only ever counted when every call
 * before it had a model: the run stops at the first call that has none.
 * --speculate lets not-modelled calls return 0 and go on (to list every model a module needs); what
 * such a run does after a guessed call is counted apart, never as an oops.
 * Every run is bounded by the budget, so the command always ends.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { budgetBeforeSoftLockup, errname } from '../../engine/cpu/index';
import type { RunResult } from '../../engine/cpu/index';
import { readElf } from '../../engine/elf/index';
import { bootBatchKernel } from '../../engine/kernel-session';
import type { KernelProfile } from '../../engine/kernel/index';
import { splitSignature } from '../../engine/kmod/index';
import { loadModule } from '../../engine/load/index';
import { modprobePlan } from '../../engine/load/index';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { CliError } from './errors';
import { cannotSay, cannotSayBudget, cannotSayData, outcomeText } from '../../engine/trace/index';
import { listModuleFiles, loadProfile, modulesRoot } from './kernel-files';
import type { Sink } from './out';

export interface InitAllOptions {
  dir: string;
  /** Run every N-th module (of those with an init function, in path order). */
  every: number;
  /** Instructions one init may execute before the kernel's soft-lockup report. */
  budget: number;
  json: boolean;
  /** Not-modelled calls return 0 and the run goes on (the modeller's view: every missing model). */
  speculate: boolean;
}

export function parseInitAllArgs(argv: readonly string[]): InitAllOptions {
  const o: InitAllOptions = { dir: '', every: 1, budget: 5_000_000, json: false, speculate: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const count = (): number => {
      const v = argv[++i];
      if (v === undefined || !/^[1-9]\d{0,9}$/.test(v))
        throw new CliError('USAGE', `${a} needs a positive whole number, got ${v === undefined ? 'nothing' : `"${v}"`}`, undefined, 1);
      return Number(v);
    };
    if (a === '--json') o.json = true;
    else if (a === '--strict')
      o.speculate = false; // the default since not-modelled calls stop every run
    else if (a === '--speculate') o.speculate = true;
    else if (a === '--every') o.every = count();
    else if (a === '--budget') o.budget = count();
    else if (a.startsWith('--')) throw new CliError('USAGE', `unknown option ${a} (see modscope --help)`, undefined, 1);
    else rest.push(a);
  }
  if (rest.length !== 1) throw new CliError('USAGE', 'init-all needs one directory of modules (see modscope --help)', undefined, 1);
  o.dir = modulesRoot(rest[0]);
  return o;
}

export type InitOutcomeKind =
  | 'returned 0'
  | 'returned <0'
  | 'returned >0'
  | 'stopped at a not-modelled call'
  | 'speculative (after a not-modelled call)'
  | 'unknown (after reading kernel data not modelled)'
  | 'oops'
  | 'soft lockup'
  | 'budget ran out (cannot say)'
  | 'BUG/trap'
  | 'unsupported instruction'
  | 'model error'
  | 'dependency failed'
  | 'load failed before init'
  | 'tool error';

export interface InitRecord {
  module: string;
  outcome: InitOutcomeKind;
  /** init's return value (completed runs). */
  ret?: number;
  errno?: string;
  instructions: number;
  /** Kernel functions without a model it called (each once, in call order). */
  notModelled: string[];
  /** Fault, stop or error text. */
  detail?: string;
  /** A dependency whose init failed on the model (then the dependencies were loaded without their inits). */
  dependencyInitFailed?: string;
}

export interface InitAllReport {
  modules: number;
  withInit: number;
  every: number;
  budget: number;
  speculate: boolean;
  ran: number;
  counts: Record<InitOutcomeKind, number>;
  /** Completed runs (returned) that called at least one kernel function without a model (--speculate only). */
  completedWithNotModelled: number;
  /** Inits that returned without touching a kernel function without a model, and their share of the runs. */
  completedClean: number;
  completedCleanPercent: number;
  /** Runs whose dependencies had to be loaded without their inits (one of those inits failed on the model). */
  dependencyInitsSkipped: number;
  errnos: Record<string, number>;
  /** Instructions of every init executed (the dependencies' too) and the seconds spent executing them. */
  instructions: number;
  cpuSeconds: number;
  instructionsPerSecond: number;
  seconds: number;
  /** Not-modelled functions: how many of the runs called each (all of them, most frequent first). */
  notModelled: { name: string; modules: number }[];
  records: InitRecord[];
}

const OUTCOMES: InitOutcomeKind[] = [
  'returned 0',
  'returned <0',
  'returned >0',
  'stopped at a not-modelled call',
  'speculative (after a not-modelled call)',
  'unknown (after reading kernel data not modelled)',
  'oops',
  'soft lockup',
  'budget ran out (cannot say)',
  'BUG/trap',
  'unsupported instruction',
  'model error',
  'dependency failed',
  'load failed before init',
  'tool error',
];

/** module_init() defines init_module as an alias of the init function: a defined symbol of that name. */
function hasInit(image: Uint8Array): boolean {
  const elf = readElf(splitSignature(image).elf);
  return (elf.symtab?.symbols ?? []).some((s) => s.name === 'init_module' && s.rawShndx !== 0);
}

function classify(r: RunResult, stoppedAt: string | null, unmodelledRead: string | null): { outcome: InitOutcomeKind; detail?: string } {
  if (stoppedAt !== null) return { outcome: 'stopped at a not-modelled call', detail: stoppedAt };
  if (unmodelledRead !== null)
    return {
      outcome: 'unknown (after reading kernel data not modelled)',
      detail: `${cannotSayData(unmodelledRead)}; it ended: ${r.kind === 'fault' ? r.fault.message : r.kind}`,
    };
  // --speculate: after a guessed return value, a fault or lockup is not something Linux is known to do.
  const guessed = r.events.find((e) => e.kind === 'not-modelled');
  if (r.kind !== 'returned' && guessed && guessed.kind === 'not-modelled') {
    return {
      outcome: 'speculative (after a not-modelled call)',
      detail: `${cannotSay(guessed.name)}; speculating, it ended: ${r.kind === 'fault' ? r.fault.message : r.kind}`,
    };
  }
  switch (r.kind) {
    case 'returned':
      return { outcome: r.ret === 0 ? 'returned 0' : r.ret < 0 ? 'returned <0' : 'returned >0' };
    case 'fault':
      // A ud2 that is not a WARN() in the module's __bug_table: BUG(), reported as "invalid opcode".
      return { outcome: r.fault.kind === 'invalid-opcode' ? 'BUG/trap' : 'oops', detail: r.fault.message };
    case 'budget':
      return budgetBeforeSoftLockup(r) ? { outcome: 'budget ran out (cannot say)', detail: cannotSayBudget(r.executed) } : { outcome: 'soft lockup' };
    case 'trap':
      return { outcome: 'BUG/trap', detail: r.text };
    case 'unsupported':
      return { outcome: 'unsupported instruction', detail: `${r.text} (${r.why})` };
    case 'error':
      return { outcome: 'model error', detail: r.message };
  }
}

/** One module's init on a fresh kernel, its modprobe dependencies loaded (and initialised) first. */
function runOne(
  profile: KernelProfile,
  dir: string,
  target: string,
  o: InitAllOptions,
  decoder: ReturnType<typeof createIcedDecoder>,
  clock: { instructions: number; ms: number },
): InitRecord {
  const first = runOnce(profile, dir, target, o, decoder, clock, true);
  if (first.outcome !== 'dependency failed') return first;
  // A dependency's init failed on the model (usually a kernel function without a model on its way):
  // load the dependencies again without running their inits, so the target's own init still runs.
  const again = runOnce(profile, dir, target, o, decoder, clock, false);
  if (again.outcome === 'dependency failed') return first;
  // On a kernel where a dependency's init never ran, a fault is not something Linux is known to do.
  if (['oops', 'BUG/trap', 'soft lockup'].includes(again.outcome)) {
    return {
      ...again,
      outcome: 'unknown (after reading kernel data not modelled)',
      detail: `${first.detail ?? ''}: its init did not run, so ${again.outcome} after it is not shown as Linux's (${again.detail ?? ''})`,
      dependencyInitFailed: first.detail ?? '',
    };
  }
  return { ...again, dependencyInitFailed: first.detail ?? '' };
}

function runOnce(
  profile: KernelProfile,
  dir: string,
  target: string,
  o: InitAllOptions,
  decoder: ReturnType<typeof createIcedDecoder>,
  clock: { instructions: number; ms: number },
  depInits: boolean,
): InitRecord {
  const read = (p: string): Uint8Array | null => {
    try {
      return new Uint8Array(readFileSync(join(dir, p)));
    } catch {
      return null;
    }
  };
  const targetName = (target.split('/').pop() ?? target).replace(/\.ko$/, '').replace(/-/g, '_');
  let seen: { r: RunResult; stoppedAt: string | null; read: string | null } | null = null;
  const k = bootBatchKernel(profile, {
    quiet: true,
    lean: true,
    decoder,
    cpu: {
      budget: o.budget,
      speculate: o.speculate,
      onRun: (mod, which, r, stoppedAt, read) => {
        clock.instructions += r.executed;
        if (which === 'init' && mod.name === targetName) seen = { r, stoppedAt, read };
      },
    },
  });
  const runInit = k.runInit;
  if (runInit) {
    k.runInit = (mod, pos) => {
      if (!depInits && mod.name !== targetName) return { ret: 0, note: 'init not run (it failed on the model in an earlier attempt)' };
      const t0 = performance.now();
      try {
        return runInit(mod, pos);
      } finally {
        clock.ms += performance.now() - t0;
      }
    };
  }
  const plan = modprobePlan(profile, target, read);
  for (const p of plan.order) {
    const image = read(p);
    if (!image) return { module: target, outcome: 'dependency failed', instructions: 0, notModelled: [], detail: `${p} cannot be read` };
    const res = loadModule(k, { fileName: p.split('/').pop() ?? p, image, args: '', syscall: 'finit_module', command: `insmod ${p}` });
    if (p === target) break;
    if (res.errno !== 0 && !plan.optional.has(p)) {
      const why = res.errno === null ? outcomeText(res.op, (e) => errname(e) ?? String(e)) : `${errname(res.errno) ?? res.errno}`;
      return { module: target, outcome: 'dependency failed', instructions: 0, notModelled: [], detail: `${p}: ${why}` };
    }
  }
  const s = seen as { r: RunResult; stoppedAt: string | null; read: string | null } | null;
  if (!s) {
    const last = k.log.records
      .slice(-3)
      .map((x) => x.text)
      .join(' | ');
    return { module: target, outcome: 'load failed before init', instructions: 0, notModelled: [], detail: last };
  }
  const c = classify(s.r, s.stoppedAt, s.read);
  const notModelled = [...new Set(s.r.events.flatMap((e) => (e.kind === 'not-modelled' ? [e.name] : [])))];
  const rec: InitRecord = { module: target, outcome: c.outcome, instructions: s.r.executed, notModelled };
  if (c.detail !== undefined) rec.detail = c.detail;
  if (s.r.kind === 'returned' && s.stoppedAt === null) {
    rec.ret = s.r.ret;
    if (s.r.ret < 0) rec.errno = errname(s.r.ret) ?? String(s.r.ret);
  }
  return rec;
}

export async function initAllCommand(o: InitAllOptions, write: Sink): Promise<number> {
  try {
    if (!statSync(o.dir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new CliError('ENOENT', `${o.dir} is not a directory of modules`);
  }
  const t0 = performance.now();
  const all = listModuleFiles(o.dir);
  const profile = loadProfile();
  const withInit = all.filter((p) => {
    try {
      return hasInit(new Uint8Array(readFileSync(join(o.dir, p))));
    } catch {
      return true; // unreadable or malformed: its run reports the reason
    }
  });
  const decoder = createIcedDecoder();
  const clock = { instructions: 0, ms: 0 };
  const records: InitRecord[] = [];
  for (const target of withInit.filter((_, i) => i % o.every === 0)) {
    const t = performance.now();
    try {
      records.push(runOne(profile, o.dir, target, o, decoder, clock));
      if (process.env.MODSCOPE_INIT_ALL_PROGRESS) {
        const last = records[records.length - 1];
        process.stderr.write(`${target} ${last.outcome} ${(performance.now() - t).toFixed(0)} ms ${last.dependencyInitFailed ?? ''}\n`);
      }
    } catch (e) {
      records.push({
        module: target,
        outcome: 'tool error',
        instructions: 0,
        notModelled: [],
        detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
    }
  }
  const counts = Object.fromEntries(OUTCOMES.map((k) => [k, 0])) as Record<InitOutcomeKind, number>;
  const errnos: Record<string, number> = {};
  const missing = new Map<string, number>();
  let completedWithNotModelled = 0;
  let completedClean = 0;
  for (const r of records) {
    counts[r.outcome]++;
    if (r.errno) errnos[r.errno] = (errnos[r.errno] ?? 0) + 1;
    if (r.outcome.startsWith('returned') && r.notModelled.length) completedWithNotModelled++;
    if (r.outcome.startsWith('returned') && !r.notModelled.length) completedClean++;
    for (const n of r.notModelled) missing.set(n, (missing.get(n) ?? 0) + 1);
    if (r.outcome === 'stopped at a not-modelled call' && r.detail && !r.notModelled.includes(r.detail))
      missing.set(r.detail, (missing.get(r.detail) ?? 0) + 1);
  }
  const report: InitAllReport = {
    modules: all.length,
    withInit: withInit.length,
    every: o.every,
    budget: o.budget,
    speculate: o.speculate,
    ran: records.length,
    counts,
    completedWithNotModelled,
    completedClean,
    completedCleanPercent: records.length ? Math.round((completedClean / records.length) * 1000) / 10 : 0,
    dependencyInitsSkipped: records.filter((x) => x.dependencyInitFailed !== undefined).length,
    errnos: Object.fromEntries(Object.entries(errnos).sort((a, b) => b[1] - a[1])),
    instructions: clock.instructions,
    cpuSeconds: clock.ms / 1000,
    instructionsPerSecond: clock.ms > 0 ? Math.round(clock.instructions / (clock.ms / 1000)) : 0,
    seconds: (performance.now() - t0) / 1000,
    notModelled: [...missing].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name, modules]) => ({ name, modules })),
    records,
  };
  await write(o.json ? JSON.stringify(report, null, 1) + '\n' : formatInitAll(report));
  return counts['tool error'] === 0 ? 0 : 2;
}

export function formatInitAll(r: InitAllReport): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const c = r.counts;
  const completed = c['returned 0'] + c['returned <0'] + c['returned >0'];
  let s = `${n(r.modules)} modules, ${n(r.withInit)} with an init function; ran ${n(r.ran)}${r.every > 1 ? ` (one in ${r.every})` : ''}, `;
  s += `each on a fresh kernel with its modprobe dependencies `;
  s += `(budget ${n(r.budget)} instructions${r.speculate ? ', speculating past not-modelled calls' : ''})\n`;
  s += `  completed                      ${n(completed).padStart(6)}  `;
  s += `(returned 0: ${n(c['returned 0'])}, returned <0: ${n(c['returned <0'])}, returned >0: ${n(c['returned >0'])})\n`;
  s += `    without touching a not-modelled function: ${n(r.completedClean)} (${r.completedCleanPercent}% of the runs)\n`;
  if (r.speculate) s += `    of which called not-modelled functions (speculatively returned 0): ${n(r.completedWithNotModelled)}\n`;
  for (const k of OUTCOMES.slice(3))
    if (k !== 'speculative (after a not-modelled call)' || r.speculate) s += `  ${k.padEnd(40)}${n(c[k]).padStart(6)}\n`;
  if (r.dependencyInitsSkipped)
    s += `  (${n(r.dependencyInitsSkipped)} ran with their dependencies loaded without inits: a dependency's init failed on the model)\n`;
  const errs = Object.entries(r.errnos)
    .slice(0, 8)
    .map(([e, v]) => `${e} ${v}`)
    .join(', ');
  if (errs) s += `init errors returned: ${errs}\n`;
  s += `instructions: ${n(r.instructions)} executed in ${r.cpuSeconds.toFixed(1)} s of init runs `;
  s += `(${n(r.instructionsPerSecond)}/s); ${r.seconds.toFixed(1)} s in all\n`;
  s += `top not-modelled kernel functions (runs ${r.speculate ? 'calling them' : 'stopped at them'}):\n`;
  for (const m of r.notModelled.slice(0, 20)) s += `  ${String(m.modules).padStart(5)}  ${m.name}\n`;
  const bad = r.records.filter((x) => x.outcome === 'tool error' || x.outcome === 'unsupported instruction' || x.outcome === 'model error');
  for (const b of bad) s += `${b.outcome.toUpperCase()} ${b.module}: ${b.detail ?? ''}\n`;
  return s;
}

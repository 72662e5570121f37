/**
 * `modscope whatif x.ko fail-alloc:N | fail-alloc:SITE | fail-alloc:list | fail:FUNCTION[:SYMBOL][=-ERRNO]`: the
 * module loaded as it is and with a fault put in the kernel, each on a freshly booted modelled 6.1 kernel (the
 * --with modules first); prints where the loads part, the error path that follows (6.1's goto labels, each
 * with what it frees), how insmod ends, the kernel log, and whether anything the load allocated is left.
 */
import { basename } from 'node:path';
import { bootBatchKernel } from '../../engine/kernel-session';
import { errnoName } from '../../engine/load/index';
import type { AllocSite, FaultSpec } from '../../engine/load/index';
import { loadModule } from '../../engine/load/index';
import { firstDivergence, type StepLike } from '../../engine/whatif/index';
import { loadWithFault, type FaultRun } from '../../engine/whatif/index';
import { parseFault } from '../../engine/whatif/index';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { CliError } from './errors';
import { loadProfile, readModuleFile } from './kernel-files';
import { insmodTail } from './load';
import type { WhatifOptions } from './whatif';

interface FaultSide {
  run: FaultRun;
  steps: StepLike[];
  log: { level: number; text: string }[];
  tail: string;
}

async function faultSide(image: Uint8Array, fileName: string, args: string[], deps: string[], spec: FaultSpec): Promise<FaultSide> {
  const k = bootBatchKernel(loadProfile(), { decoder: createIcedDecoder() });
  for (const dep of deps) {
    const { bytes } = await readModuleFile(dep);
    const r = loadModule(k, { fileName: basename(dep), image: bytes, args: '', syscall: 'finit_module' });
    if (r.errno !== 0) throw new CliError('DEPENDENCY', `${dep} failed to load (${r.errno ?? r.end.kind})`);
  }
  const logFrom = k.log.records.length;
  const command = `insmod ${fileName}${args.length ? ' ' + args.join(' ') : ''}`;
  const run = loadWithFault(k, { fileName, image, args: args.join(' '), syscall: 'finit_module', command }, spec);
  const records = k.log.records.slice(logFrom);
  const steps: StepLike[] = [];
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== run.result.op.index) continue;
    const log = records.filter((l) => l.pos >= s.pos && l.pos < s.pos + Math.max(1, s.span)).map((l) => `<${l.level}>${l.text}`);
    steps.push({ fn: s.fn, file: s.file, title: s.title, text: s.text, ...(s.errno ? { errno: s.errno } : {}), ...(log.length ? { log } : {}) });
  }
  return { run, steps, log: records.map((l) => ({ level: l.level, text: l.text })), tail: insmodTail(run.result.op) };
}

function siteLine(s: AllocSite): string {
  const size = s.size ? `${s.size.toLocaleString('en-US')} bytes` : 'size not modelled';
  const onFail = s.errno ? `fails the load with ${s.errno} (${errnoName(s.errno)})` : 'ignored by the kernel: the load goes on';
  return `${String(s.n).padStart(3)}. ${s.id.padEnd(26)} ${s.fn}() → ${s.allocator}(): ${s.what}, ${size}; ${onFail}`;
}

function stepLine(s: StepLike | null): string {
  if (!s) return '(the load has ended)';
  return `${s.fn}${s.file ? ` (${s.file})` : ''}: ${s.title}${s.errno ? ` → ${s.errno}` : ''}`;
}

export async function whatifFault(o: WhatifOptions, out: (s: string) => void): Promise<number> {
  if (o.save)
    throw new CliError(
      'BAD_MUTATION',
      `${o.mutation} is a fault in the kernel, not a change to the module: there is nothing to --save`,
      undefined,
      2,
    );
  let fault: ReturnType<typeof parseFault>;
  try {
    fault = parseFault(o.mutation);
  } catch (e) {
    throw new CliError('BAD_MUTATION', e instanceof Error ? e.message : String(e), undefined, 2);
  }
  const { bytes } = await readModuleFile(o.file);
  const name = basename(o.file);
  const base = await faultSide(bytes, name, o.params, o.with, { kind: 'none' });
  if (fault.kind === 'list') {
    const sites = base.run.injector.sites;
    if (o.json) {
      out(`${JSON.stringify({ sites })}\n`);
      return 0;
    }
    out(`Allocations load_module() makes for ${name} (${sites.length}), in order — fail one with fail-alloc:N or fail-alloc:SITE:\n`);
    for (const s of sites) out(`${siteLine(s)}\n`);
    out('\nNot separate sites: kallsyms (add_kallsyms() writes into the core and init regions layout_symtab() sized),');
    out(' and the many small kernfs, kobject and notifier allocations along the way.\n');
    return 0;
  }
  const changed = await faultSide(bytes, name, o.params, o.with, fault.spec);
  const fired = changed.run.injector.fired;
  const what = fired?.site ? `${fault.change} — ${fired.site.fn}() → ${fired.site.allocator}(): ${fired.site.what}` : fault.change;
  const d = firstDivergence(base.steps, changed.steps);
  const leaked = changed.run.leaked.map((a) => ({ label: a.label, base: `0x${a.base.toString(16)}`, size: a.size }));
  const failed = changed.run.result.errno !== 0;
  if (o.json) {
    const side = (s: FaultSide) => ({ tail: s.tail, log: s.log, steps: s.steps.length, errno: s.run.result.errno });
    out(
      `${JSON.stringify({
        change: what,
        fired: fired !== null,
        site: fired?.site ?? null,
        divergence: d,
        unwinding: d.index === null ? [] : changed.steps.slice(d.index + 1),
        base: side(base),
        whatif: side(changed),
        leaked: failed ? leaked : null,
        percpu: { before: changed.run.percpuBefore, after: changed.run.percpuAfter },
      })}\n`,
    );
    return 0;
  }
  out(`what if: ${what}\n\n`);
  if (!fired) {
    out(`The load never reached it (fail-alloc:list shows the ${base.run.injector.sites.length} sites this load reaches).\n`);
  }
  if (d.index === null) out(`No step differs: both loads take the same ${d.shared} steps.\n`);
  else {
    out(`The loads part at step ${d.index + 1}, after ${d.shared} shared steps:\n`);
    out(`  unmodified: ${stepLine(d.base)}\n`);
    out(`  what-if:    ${stepLine(d.changed)}\n`);
    if (d.changed) out(`              ${d.changed.text}\n`);
    const rest = changed.steps.slice(d.index + 1);
    if (rest.length) {
      out('\nWhat the kernel does next:\n');
      for (const s of rest) out(`  ${stepLine(s)}\n              ${s.text}\n`);
    }
  }
  out(`\nHow insmod ends:\n  unmodified: ${base.tail}\n  what-if:    ${changed.tail}\n`);
  out('\nKernel log of the what-if load:\n');
  for (const l of changed.log) out(`  <${l.level}>${l.text}\n`);
  if (failed) {
    out(
      leaked.length
        ? `\nLeft allocated after the failed load (${leaked.length}): ${leaked.map((l) => `${l.label} (${l.size} bytes at ${l.base})`).join('; ')}\n`
        : `\nNothing the load allocated is left: every allocation made before the fault was freed on the way out.\n`,
    );
  }
  return 0;
}

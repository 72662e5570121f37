/**
 * `modscope whatif x.ko fail-alloc:N | fail-alloc:SITE | fail-alloc:list | fail:FUNCTION[:SYMBOL][=-ERRNO]`: the
 * module loaded as it is and with a fault put in the kernel, each on a freshly booted modelled 6.1 kernel (the
 * --with modules first); prints where the loads part, the error path that follows (6.1's goto labels, each
 * with what it frees), how insmod ends, the kernel log, and whether anything the load allocated is left.
 */
import { basename } from 'node:path';
import { errnoName } from '../../engine/load/index';
import type { AllocSite } from '../../engine/load/index';
import { allocSites, parseFault, runWhatIf, WhatIfDependencyError, type StepLike, type WhatIfAnswer } from '../../engine/whatif/index';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { CliError } from './errors';
import { loadProfile, readModuleFile } from './kernel-files';
import type { WhatifOptions } from './whatif';

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
  const deps: { name: string; bytes: Uint8Array }[] = [];
  for (const path of o.with) deps.push({ name: basename(path), bytes: (await readModuleFile(path)).bytes });
  const input = { profile: loadProfile(), decoder: createIcedDecoder(), module: { name, bytes }, deps, args: o.params };
  const depError = (e: unknown): never => {
    if (e instanceof WhatIfDependencyError) throw new CliError('DEPENDENCY', e.message);
    throw e;
  };
  if (fault.kind === 'list') {
    let sites: AllocSite[] = [];
    try {
      sites = allocSites(input);
    } catch (e) {
      depError(e);
    }
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
  let a: WhatIfAnswer | null = null;
  try {
    a = runWhatIf({ ...input, mutation: o.mutation });
  } catch (e) {
    depError(e);
  }
  if (!a?.fault) throw new CliError('BAD_MUTATION', `${o.mutation} is not a kernel fault`, undefined, 2);
  const f = a.fault;
  const what = a.change;
  const d = a.divergence;
  const failed = a.whatif.result !== 0;
  if (o.json) {
    const side = (s: WhatIfAnswer['base']) => ({ tail: s.tail, log: s.log, steps: s.steps.length, errno: s.result });
    out(
      `${JSON.stringify({
        change: what,
        fired: f.fired,
        site: f.site,
        divergence: d,
        unwinding: d.index === null ? [] : a.whatif.steps.slice(d.index + 1),
        base: side(a.base),
        whatif: side(a.whatif),
        leaked: failed ? f.leaked : null,
        percpu: f.percpu,
      })}\n`,
    );
    return 0;
  }
  out(`what if: ${what}\n\n`);
  if (!f.fired) out(`The load never reached it (fail-alloc:list shows the ${a.sites.length} sites this load reaches).\n`);
  if (d.index === null) out(`No step differs: both loads take the same ${d.shared} steps.\n`);
  else {
    out(`The loads part at step ${d.index + 1}, after ${d.shared} shared steps:\n`);
    out(`  unmodified: ${stepLine(d.base)}\n`);
    out(`  what-if:    ${stepLine(d.changed)}\n`);
    if (d.changed) out(`              ${d.changed.text}\n`);
    const rest = a.whatif.steps.slice(d.index + 1);
    if (rest.length) {
      out('\nWhat the kernel does next:\n');
      for (const s of rest) out(`  ${stepLine(s)}\n              ${s.text}\n`);
    }
  }
  out(`\nHow insmod ends:\n  unmodified: ${a.base.tail}\n  what-if:    ${a.whatif.tail}\n`);
  out('\nKernel log of the what-if load:\n');
  for (const l of a.whatif.log) out(`  <${l.level}>${l.text}\n`);
  const leaked = f.leaked ?? [];
  if (failed) {
    out(
      leaked.length
        ? `\nLeft allocated after the failed load (${leaked.length}): ${leaked.map((l) => `${l.label} (${l.size} bytes at ${l.base})`).join('; ')}\n`
        : `\nNothing the load allocated is left: every allocation made before the fault was freed on the way out.\n`,
    );
  }
  return 0;
}

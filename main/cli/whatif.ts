/**
 * `modscope whatif <module.ko> MUTATION [name=value …] [--with dep.ko …] [--json]` and `modscope whatif --list`:
 * load the module as it is and as mutated, each on a freshly booted modelled 6.1 kernel (the same --with
 * modules first), and print where the what-if's load_module() parts from the unmodified one, how insmod
 * ends on each side and what the kernel logged. `--save FILE` writes the mutated module instead (to try it on a
 * real kernel: scripts/qemu scenarios record what-ifs this way).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EKEYREJECTED } from '../../engine/load/index';
import { MUTATION_HELP, mutateWithDeps, runWhatIf, WhatIfDependencyError, type StepLike, type WhatIfAnswer } from '../../engine/whatif/index';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { FAULT_HELP, isFault } from '../../engine/whatif/index';
import { CliError } from './errors';
import { whatifFault } from './whatif-fault';
import { loadProfile, readModuleFile } from './kernel-files';

export interface WhatifOptions {
  file: string;
  mutation: string;
  params: string[];
  with: string[];
  json: boolean;
  list: boolean;
  save: string | null;
}

export function parseWhatifArgs(argv: readonly string[]): WhatifOptions {
  const o: WhatifOptions = { file: '', mutation: '', params: [], with: [], json: false, list: false, save: null };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '--list') o.list = true;
    else if (a === '--save') {
      const v = argv[++i];
      if (v === undefined) throw new CliError('USAGE', '--save needs a file to write', undefined, 1);
      o.save = v;
    } else if (a === '--with') {
      const v = argv[++i];
      if (v === undefined) throw new CliError('USAGE', '--with needs a module file', undefined, 1);
      o.with.push(v);
    } else if (a.startsWith('--')) throw new CliError('USAGE', `unknown option ${a} (see modscope --help)`, undefined, 1);
    else rest.push(a);
  }
  if (o.list) return o;
  if (rest.length < 2) throw new CliError('USAGE', 'whatif needs a module file and a mutation (modscope whatif --list names them)', undefined, 1);
  [o.file, o.mutation] = rest;
  o.params = rest.slice(2);
  return o;
}

function stepLine(s: StepLike | null): string {
  if (!s) return '(the load has ended)';
  return `${s.fn}${s.file ? ` (${s.file})` : ''}: ${s.title}${s.errno ? ` → ${s.errno}` : ''}`;
}

export async function whatifCommand(o: WhatifOptions, out: (s: string) => void): Promise<number> {
  if (o.list) {
    out('Mutations (modscope whatif x.ko MUTATION):\n');
    for (const [name, what] of MUTATION_HELP) out(`  ${name.padEnd(26)} ${what}\n`);
    out('\nFaults in the kernel during load_module() (the module is not changed):\n');
    for (const [name, what] of FAULT_HELP) out(`  ${name.padEnd(26)} ${what}\n`);
    return 0;
  }
  if (isFault(o.mutation)) return whatifFault(o, out);
  const { bytes } = await readModuleFile(o.file);
  const deps: { name: string; bytes: Uint8Array }[] = [];
  for (const path of o.with) deps.push({ name: basename(path), bytes: (await readModuleFile(path)).bytes });
  const name = basename(o.file);
  const input = { profile: loadProfile(), decoder: createIcedDecoder(), module: { name, bytes }, deps, args: o.params, mutation: o.mutation };
  let a: WhatIfAnswer;
  try {
    if (o.save) {
      const { m } = mutateWithDeps(input);
      writeFileSync(o.save, m.image);
      out(`what if: ${m.change}\nwrote ${o.save} (${m.image.length.toLocaleString('en-US')} bytes)\n`);
      return 0;
    }
    a = runWhatIf(input);
  } catch (e) {
    if (e instanceof WhatIfDependencyError) throw new CliError('DEPENDENCY', e.message);
    if (e instanceof CliError) throw e;
    throw new CliError('BAD_MUTATION', e instanceof Error ? e.message : String(e), undefined, 2);
  }
  const d = a.divergence;
  if (o.json) {
    const side = (s: WhatIfAnswer['base']) => ({ tail: s.tail, log: s.log, steps: s.steps.length });
    out(`${JSON.stringify({ change: a.change, offset: a.offset, divergence: d, base: side(a.base), whatif: side(a.whatif) })}\n`);
    return 0;
  }
  out(`what if: ${a.change}\n\n`);
  if (d.index === null) out(`No step differs: both loads take the same ${d.shared} steps.\n`);
  else {
    out(`The loads part at step ${d.index + 1}, after ${d.shared} shared steps:\n`);
    out(`  unmodified: ${stepLine(d.base)}\n`);
    out(`  what-if:    ${stepLine(d.changed)}\n`);
    if (d.changed) out(`              ${d.changed.text}\n`);
    for (const l of d.changed?.log ?? []) if (!(d.base?.log ?? []).includes(l)) out(`              logs ${l}\n`);
    if (d.changed?.fn === 'module_sig_check' && d.changed.errno === -EKEYREJECTED && !/^(signature|byte):/.test(o.mutation))
      out(
        `\n(${name} is signed, and its signature covers the changed bytes: module_sig_check() refuses it before any other check. ` +
          `To reach the check this mutation is about, remove the signature first: signature:strip+${o.mutation})\n`,
      );
  }
  out(`\nHow insmod ends:\n  unmodified: ${a.base.tail}\n  what-if:    ${a.whatif.tail}\n`);
  out('\nKernel log of the what-if load:\n');
  for (const l of a.whatif.log) out(`  <${l.level}>${l.text}\n`);
  return 0;
}

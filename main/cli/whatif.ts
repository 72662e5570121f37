/**
 * `modscope whatif <module.ko> MUTATION [name=value …] [--with dep.ko …] [--json]` and `modscope whatif --list`:
 * load the module as it is and as mutated, each on a freshly booted modelled 6.1 kernel (the same --with
 * modules first), and print where the what-if's load_module() parts from the unmodified one, how insmod
 * ends on each side and what the kernel logged. `--save FILE` writes the mutated module instead (to try it on a
 * real kernel: scripts/qemu scenarios record what-ifs this way).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { attachCpu } from '../../engine/cpu/index';
import { ModelKernel } from '../../engine/kernel/index';
import { EKEYREJECTED, loadModule } from '../../engine/load/index';
import type { OperationInfo } from '../../engine/trace/index';
import { exportsSymbol, firstDivergence, MUTATION_HELP, mutate, parseMutation, type Mutated, type StepLike } from '../../engine/whatif/index';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { FAULT_HELP, isFault } from '../../engine/whatif/index';
import { CliError } from './errors';
import { whatifFault } from './whatif-fault';
import { loadProfile, readModuleFile } from './kernel-files';
import { insmodTail } from './load';

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

interface Side {
  steps: StepLike[];
  log: { level: number; text: string }[];
  tail: string;
  op: OperationInfo;
}

interface Dep {
  path: string;
  bytes: Uint8Array;
}

/** A --with file's module name as the kernel has it (KBUILD_MODNAME: '-' becomes '_'). */
const modName = (path: string): string =>
  basename(path)
    .replace(/\.ko(\.[gx]z|\.zst)?$/, '')
    .replace(/-/g, '_');

/** Load the deps, then the module, on a freshly booted model; the deps' own failures are what-if answers too. */
async function loadSide(image: Uint8Array, fileName: string, args: string[], deps: readonly Dep[]): Promise<Side> {
  const k = new ModelKernel(loadProfile(), {});
  attachCpu(k, createIcedDecoder());
  for (const dep of deps) {
    const r = loadModule(k, { fileName: basename(dep.path), image: dep.bytes, args: '', syscall: 'finit_module' });
    if (r.errno !== 0) throw new CliError('DEPENDENCY', `${dep.path} failed to load (${r.errno ?? r.end.kind})`);
  }
  const logFrom = k.log.records.length;
  const r = loadModule(k, {
    fileName,
    image,
    args: args.join(' '),
    syscall: 'finit_module',
    command: `insmod ${fileName}${args.length ? ' ' + args.join(' ') : ''}`,
  });
  const steps: StepLike[] = [];
  const records = k.log.records.slice(logFrom);
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s || s.op !== r.op.index) continue;
    const log = records.filter((l) => l.pos >= s.pos && l.pos < s.pos + Math.max(1, s.span)).map((l) => `<${l.level}>${l.text}`);
    steps.push({ fn: s.fn, file: s.file, title: s.title, text: s.text, ...(s.errno ? { errno: s.errno } : {}), ...(log.length ? { log } : {}) });
  }
  return { steps, log: k.log.records.slice(logFrom).map((l) => ({ level: l.level, text: l.text })), tail: insmodTail(r.op), op: r.op };
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
  const deps: Dep[] = [];
  for (const path of o.with) deps.push({ path, bytes: (await readModuleFile(path)).bytes });
  let m: Mutated;
  let changedDeps: Dep[] = deps;
  let mutatedImage = bytes;
  try {
    const mutation = parseMutation(o.mutation);
    // unexport:SYMBOL changes the module that exports SYMBOL: the one loaded, or else the --with provider.
    const provider =
      mutation.kind === 'unexport' && !exportsSymbol(bytes, mutation.symbol) ? deps.find((d) => exportsSymbol(d.bytes, mutation.symbol)) : undefined;
    if (provider) {
      m = mutate(provider.bytes, mutation);
      m = { ...m, change: `${basename(provider.path)}: ${m.change}` };
      changedDeps = deps.map((d) => (d === provider ? { path: d.path, bytes: m.image } : d));
    } else {
      m = mutate(bytes, mutation);
      mutatedImage = m.image;
    }
    for (const w of m.without)
      if (!deps.some((d) => modName(d.path) === w))
        throw new Error(`without:${w}: no --with module is called ${w} (${deps.map((d) => modName(d.path)).join(', ') || 'none given'})`);
    changedDeps = changedDeps.filter((d) => !m.without.includes(modName(d.path)));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('BAD_MUTATION', e instanceof Error ? e.message : String(e), undefined, 2);
  }
  if (o.save) {
    writeFileSync(o.save, m.image);
    out(`what if: ${m.change}\nwrote ${o.save} (${m.image.length.toLocaleString('en-US')} bytes)\n`);
    return 0;
  }
  const name = basename(o.file);
  const base = await loadSide(bytes, name, o.params, deps);
  const changed = await loadSide(mutatedImage, name, [...o.params, ...m.args], changedDeps);
  const d = firstDivergence(base.steps, changed.steps);
  if (o.json) {
    const side = (s: typeof base) => ({ tail: s.tail, log: s.log, steps: s.steps.length });
    out(`${JSON.stringify({ change: m.change, offset: m.offset, divergence: d, base: side(base), whatif: side(changed) })}\n`);
    return 0;
  }
  out(`what if: ${m.change}\n\n`);
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
  out(`\nHow insmod ends:\n  unmodified: ${base.tail}\n  what-if:    ${changed.tail}\n`);
  out('\nKernel log of the what-if load:\n');
  for (const l of changed.log) out(`  <${l.level}>${l.text}\n`);
  return 0;
}

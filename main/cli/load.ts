/**
 * `modscope load <module.ko> [name=value …] [--init|--finit] [--kaslr SEED] [--paging 5] [--with dep.ko …]
 *  [--json] [--dump DIR] [--kernel 2.4 [-f]]`: load the module into the modelled Debian 6.1 kernel, step by
 *  step — or, with --kernel 2.4, into the 2.4 model the way modutils' insmod did (linking in user space).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readFileSync } from 'node:fs';
import { modprobePlan } from '../../engine/load/index';
import { formatTimestamp } from '../../engine/kernel/index';
import type { ModelKernel } from '../../engine/kernel/index';
import type { LoadedModule } from '../../engine/kernel/index';
import { insmodTail, modStrerror, thousands } from '../../engine/load/index';
import { loadModule } from '../../engine/load/index';
import { hex64 } from '../../engine/session/index';
import { bootBatchKernel, kernelSummary } from '../../engine/kernel-session';
import { MACHINE } from '../../engine/machine/index';
import type { OperationInfo } from '../../engine/trace/index';
import { optionValue } from './args';
import { CliError } from './errors';
import { opEnd, outcomeText } from '../../engine/trace/index';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { loadProfile, modulesRoot, readModuleFile } from './kernel-files';
import { BufferedWriter, type Sink } from './out';
import { Kernel24 } from '../../engine/linux24/index';
import { insmod24 } from '../../engine/linux24/index';

export interface LoadOptions {
  file: string;
  params: string[];
  syscall: 'finit_module' | 'init_module';
  kaslrSeed: number | null;
  paging: 4 | 5;
  with: string[];
  /** Load what the module needs first, found from its symbols under this modules directory. */
  modprobe: string | null;
  json: boolean;
  dump: string | null;
  /** Record the init call without executing it on the modelled CPU. */
  noInit: boolean;
  /** Which modelled kernel: 6.1 (default) or the 2.4 model. */
  kernel: '6.1' | '2.4';
  /** 2.4's insmod -f: load despite a kernel-version mismatch. */
  force: boolean;
}

export function parseLoadArgs(argv: readonly string[]): LoadOptions {
  const o: LoadOptions = {
    file: '',
    params: [],
    syscall: 'finit_module',
    kaslrSeed: null,
    paging: 4,
    with: [],
    modprobe: null,
    json: false,
    dump: null,
    noInit: false,
    kernel: '6.1',
    force: false,
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => optionValue(argv, ++i, a);
    if (a === '--json') o.json = true;
    else if (a === '--finit') o.syscall = 'finit_module';
    else if (a === '--init') o.syscall = 'init_module';
    else if (a === '--kaslr') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new CliError('USAGE', `--kaslr needs a seed 0..4294967295, got "${v}"`, undefined, 1);
      o.kaslrSeed = Number(v);
    } else if (a === '--paging') {
      const v = value();
      if (v !== '4' && v !== '5') throw new CliError('USAGE', `--paging is 4 or 5, got "${v}"`, undefined, 1);
      o.paging = v === '5' ? 5 : 4;
    } else if (a === '--with') o.with.push(value());
    else if (a === '--dump') o.dump = value();
    else if (a === '--no-exec') o.noInit = true;
    else if (a === '--kernel') {
      const v = value();
      if (v !== '6.1' && v !== '2.4') throw new CliError('USAGE', `--kernel is 6.1 or 2.4, got "${v}"`, undefined, 1);
      o.kernel = v;
    } else if (a === '-f' || a === '--force') o.force = true;
    else if (a === '--modprobe') o.modprobe = value();
    else if (a.startsWith('--')) throw new CliError('USAGE', `unknown option ${a} (see modscope --help)`, undefined, 1);
    else rest.push(a);
  }
  if (rest.length === 0) throw new CliError('USAGE', 'load needs a module file (see modscope --help)', undefined, 1);
  o.file = rest[0];
  o.params = rest.slice(1);
  if (o.kernel === '2.4' && (o.dump !== null || o.modprobe !== null))
    throw new CliError('USAGE', '--dump and --modprobe are for the 6.1 kernel', undefined, 1);
  return o;
}

export async function loadCommand(o: LoadOptions, write: Sink): Promise<number> {
  if (o.kernel === '2.4') return load24Command(o, write);
  const k = bootBatchKernel(loadProfile(), { kaslrSeed: o.kaslrSeed, paging: o.paging, decoder: o.noInit ? undefined : createIcedDecoder() });
  const ops: OperationInfo[] = [];
  const deps = [...o.with];
  const read = new Map<string, Uint8Array>(); // each file read once: modprobe's plan reads them all
  const optionalDeps = new Set<string>(); // soft dependencies: modprobe goes on when they fail
  const modRoot = o.modprobe === null ? '' : modulesRoot(o.modprobe);
  if (o.modprobe !== null) {
    const dir = modRoot;
    const rel = relative(dir, o.file);
    if (rel.startsWith('..')) throw new CliError('USAGE', `${o.file} is not under --modprobe ${dir}`, undefined, 1);
    const plan = modprobePlan(k.profile, rel, (p) => {
      try {
        const b = readFileSync(join(dir, p));
        const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        read.set(join(dir, p), bytes);
        return bytes;
      } catch {
        return null;
      }
    });
    deps.push(...plan.order.slice(0, -1).map((p) => join(dir, p)));
    for (const p of plan.optional) optionalDeps.add(join(dir, p));
  }
  // --dump shows the module as load_module() left it for init: keep its bytes from just before init runs.
  const beforeInit = new Map<bigint, Uint8Array>();
  const runInit = k.runInit;
  if (o.dump && runInit) {
    k.runInit = (mod, pos) => {
      for (const a of [mod.core, mod.init]) if (a) beforeInit.set(a.base, a.bytes.slice());
      return runInit(mod, pos);
    };
  }
  for (const dep of deps) {
    const r = await insmod(k, dep, [], o.syscall, read.get(dep));
    ops.push(r.op);
    if (r.errno !== 0 && !optionalDeps.has(dep))
      throw new CliError(
        'DEPENDENCY',
        `${dep} failed to load: ${r.errno === null ? outcomeText(r.op, (e) => modStrerror(e)) : `${modStrerror(r.errno)} (${r.errno})`}`,
      );
  }
  const r = await insmod(k, o.file, o.params, o.syscall, read.get(join(modRoot, relative(modRoot, o.file))));
  ops.push(r.op);
  const w = new BufferedWriter(write);
  if (o.json) writeJson(k, w);
  else writeText(k, r.op, w);
  await w.end();
  if (o.dump && r.module) dump(o.dump, r.module, k, beforeInit);
  else if (o.dump) throw new CliError('NOT_LOADED', `nothing to dump: the load failed (${r.errno})`);
  return loadExitStatus(r.op);
}

async function insmod(
  k: ModelKernel,
  file: string,
  params: string[],
  syscall: LoadOptions['syscall'],
  read?: Uint8Array,
): Promise<ReturnType<typeof loadModule>> {
  const { bytes, compressed } = await readModuleFile(file, read);
  const args = params.join(' ');
  // kmod 30 decompresses in user space and then has to use init_module.
  return loadModule(k, {
    fileName: basename(file),
    image: bytes,
    args,
    syscall: compressed ? 'init_module' : syscall,
    command: `insmod ${file}${args ? ' ' + args : ''}`,
    imageHandedOver: true, // read for this load only: the temporary copy may keep these bytes
  });
}

/** --kernel 2.4: modutils' insmod for each --with module, then the module; the steps, the classic ring, insmod's messages. */
async function load24Command(o: LoadOptions, write: Sink): Promise<number> {
  const K = new Kernel24(loadProfile(), { decoder: o.noInit ? null : createIcedDecoder() });
  const run = async (file: string, params: string[]): Promise<ReturnType<typeof insmod24>> => {
    const { bytes } = await readModuleFile(file);
    return insmod24(K, {
      fileName: basename(file),
      image: bytes,
      args: params,
      force: o.force,
      command: `insmod${o.force ? ' -f' : ''} ${file}${params.length ? ' ' + params.join(' ') : ''}`,
    });
  };
  for (const dep of o.with) {
    const r = await run(dep, []);
    if (r.exit !== 0) throw new CliError('DEPENDENCY', `${dep} failed to load: ${r.op.output.join(' ')}`);
  }
  const r = await run(o.file, o.params);
  const w = new BufferedWriter(write);
  if (o.json) writeJson(K.k, w);
  else
    writeText(K.k, r.op, w, {
      log: `\nKernel log (2.4's character ring, levels in the text):\n${K.ring.contents().text}`,
      tail: `${r.op.output.map((l) => l + '\n').join('')}\ninsmod: ${r.exit === 0 ? 'ok' : 'exit 1'}\n`,
    });
  await w.end();
  return r.exit;
}

function writeText(k: ModelKernel, last: OperationInfo, w: BufferedWriter, alt?: { log: string; tail: string }): void {
  let lastOp = -1;
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s) continue;
    if (s.op !== lastOp) {
      lastOp = s.op;
      w.write(`\n# ${k.timeline.ops[s.op].command}\n`);
    }
    const span = s.block ? ` [${thousands(s.span)} ${s.block}]` : '';
    w.write(`${String(s.pos).padStart(7)}  ${alt && s.side ? `[${s.side}] ` : ''}${s.fn}${span}: ${s.title}${s.errno ? ` (${s.errno})` : ''}\n`);
    w.write(`         ${s.text}\n`);
  }
  if (alt) {
    w.write(alt.log + alt.tail);
    return;
  }
  w.write(`\nKernel log (${k.profile.release} on ${MACHINE.name}):\n`);
  for (const r of k.log.records) w.write(`<${r.level}>${formatTimestamp(r.tsNs)} ${r.text}\n`);
  w.write(`\n${insmodTail(last)}\n`);
}

/** What the terminal shows when insmod ends (engine/load/insmod-tail.ts; the What if view ends the same way). */
export { insmodTail };

/** modscope load's exit status: 0 loaded, 1 insmod failed (an errno), 137 killed (as the shell), 3 unknown (not modelled). */
export function loadExitStatus(op: OperationInfo): number {
  const end = opEnd(op);
  if (end.kind === 'killed') return end.exitStatus;
  if (end.kind === 'unknown') return 3;
  return op.result === 0 ? 0 : 1;
}

function writeJson(k: ModelKernel, w: BufferedWriter): void {
  w.write(`{"kernel":${JSON.stringify(kernelSummary(k))},"ops":${JSON.stringify(k.timeline.ops)},"steps":[`);
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (!s) continue;
    w.write((i ? ',' : '') + JSON.stringify(s).slice(0, -1));
    if (s.block) {
      w.write(',"items":[');
      for (let j = 0; j < s.span; j++) {
        const at = k.timeline.at(s.pos + j);
        w.write((j ? ',' : '') + JSON.stringify(at?.item ?? null));
      }
      w.write(']');
    }
    w.write('}');
  }
  w.write(
    `],"log":${JSON.stringify(k.log.records.map((r) => ({ seq: r.seq, level: r.level, time: formatTimestamp(r.tsNs), text: r.text, pos: r.pos })))}}\n`,
  );
}

/** DIR/layout.json and DIR/sections/<index>.bin: the loaded module for independent checks (GNU ld). */
function dump(dir: string, mod: LoadedModule, k: ModelKernel, beforeInit: Map<bigint, Uint8Array>): void {
  mkdirSync(join(dir, 'sections'), { recursive: true });
  // Init sections are freed after init; dump them as they were when init ran (the allocations keep their bytes).
  const placed = mod.allSections;
  const layout = {
    module: mod.name,
    core: mod.core ? { base: hex64(mod.core.base), size: mod.core.size } : null,
    percpu: mod.percpu !== null ? { base: hex64(mod.percpu), size: mod.percpuSize } : null,
    sections: placed.map((s) => ({ index: s.index, name: s.name, address: hex64(s.address), size: s.size, init: s.init })),
    symbols: mod.symbolTable.map((s) => ({ index: s.index, name: s.name, value: hex64(s.value) })),
  };
  writeFileSync(join(dir, 'layout.json'), JSON.stringify(layout, null, 1) + '\n');
  for (const s of placed) {
    const a = k.memory.allocations.find((x) => s.address >= x.base && s.address + BigInt(s.size) <= x.base + BigInt(x.size) && x.owner === mod.name);
    if (!a) continue;
    const off = Number(s.address - a.base);
    const bytes = beforeInit.get(a.base) ?? a.bytes;
    writeFileSync(join(dir, 'sections', `${s.index}.bin`), bytes.subarray(off, off + (s.nobits ? 0 : s.size)));
  }
}

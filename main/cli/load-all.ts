/**
 * `modscope load-all <dir> [--json]`: every module under dir, loaded into one modelled kernel in
 * dependency order (as modprobe would, from depmod's symbol dependencies). Prints the counts and
 * every failure with the kernel's reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readElf } from '../../engine/elf/index';
import { bootBatchKernel } from '../../engine/kernel-session';
import { readExports, splitSignature } from '../../engine/kmod/index';
import { computeDependencies, type DepInput } from '../../engine/load/index';
import { errnoName } from '../../engine/load/index';
import { loadModule } from '../../engine/load/index';
import { CliError } from './errors';
import { listModuleFiles, loadProfile } from './kernel-files';
import { ScratchReader } from './scratch-read';
import type { Sink } from './out';

export interface LoadAllReport {
  modules: number;
  loaded: number;
  failed: { module: string; errno: string; log: string[]; missingFromCorpus: string[] }[];
  relocations: number;
  seconds: { scan: number; load: number };
  moduleArea: { used: number; highest: string };
}

export async function loadAllCommand(dir: string, json: boolean, write: Sink): Promise<number> {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new CliError('ENOENT', `${dir} is not a directory of modules`);
  }
  const t0 = performance.now();
  const files = listModuleFiles(dir).map((f) => join(dir, f));
  const profile = loadProfile();
  const byName = new Map<string, string>();
  const inputs: DepInput[] = [];
  const scratch = new ScratchReader(); // the scan keeps names (strings), never the bytes
  for (const f of files) {
    const { elf: bytes } = splitSignature(scratch.read(f)); // a view, not a copy
    // Only the exports' relocations are needed here (readExports()); the load reads the whole file again.
    const elf = readElf(bytes, { relocsFor: (t) => t.name.startsWith('__ksymtab') || t.name.startsWith('__kcrctab') });
    const name = relative(dir, f).split('/').pop()?.replace(/\.ko$/, '').replace(/-/g, '_') ?? f;
    byName.set(name, f);
    const syms = elf.symtab?.symbols ?? [];
    inputs.push({
      name,
      exports: readExports(elf).map((e) => e.name),
      imports: syms.filter((s) => s.rawShndx === 0 && s.name !== '').map((s) => ({ name: s.name, weak: s.bind === 2 })),
    });
  }
  const deps = computeDependencies(inputs, (n) => profile.lookup(n)?.module === 'vmlinux');
  const t1 = performance.now();
  const k = bootBatchKernel(profile, { lean: true });
  const failed: LoadAllReport['failed'] = [];
  let relocations = 0;
  for (const name of deps.order) {
    const file = byName.get(name);
    if (!file) continue;
    const b = readFileSync(file);
    const image = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    const logFrom = k.log.records.length;
    const command = `insmod ${relative(dir, file)}`;
    // The file is read for this load only: the temporary copy may keep its bytes (no second copy).
    const r = loadModule(k, { fileName: relative(dir, file), image, args: '', syscall: 'finit_module', command, imageHandedOver: true });
    if (r.errno !== 0) {
      failed.push({
        module: relative(dir, file),
        errno: r.errno === null ? r.end.kind : errnoName(r.errno),
        log: k.log.records.slice(logFrom).map((x) => x.text),
        missingFromCorpus: deps.missing.get(name) ?? [],
      });
    }
  }
  for (const m of k.modules) relocations += m.relocationCount;
  const t2 = performance.now();
  const areas = k.modulesArea.list();
  const last = areas[areas.length - 1];
  const report: LoadAllReport = {
    modules: files.length,
    loaded: k.modules.length,
    failed,
    relocations,
    seconds: { scan: (t1 - t0) / 1000, load: (t2 - t1) / 1000 },
    moduleArea: { used: areas.reduce((n, a) => n + Number(a.size), 0), highest: last ? '0x' + (last.start + last.size).toString(16) : '' },
  };
  if (json) await write(JSON.stringify(report, null, 1) + '\n');
  else {
    let s = `${report.modules} modules, ${report.loaded} loaded, ${failed.length} failed `;
    s += `(dependency order from symbols; scan ${report.seconds.scan.toFixed(1)} s, load ${report.seconds.load.toFixed(1)} s)\n`;
    s += `modules area: ${(report.moduleArea.used / 1048576).toFixed(1)} MiB used, up to ${report.moduleArea.highest}\n`;
    for (const f of failed) s += `FAIL ${f.module}: ${f.errno}\n${f.log.map((l) => '    ' + l + '\n').join('')}`;
    await write(s);
  }
  return 0;
}

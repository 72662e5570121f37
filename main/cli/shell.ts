/**
 * `modscope shell SCRIPT [--kaslr SEED] [--modules DIR] [--kernel 2.4]`: run a lesson script (one shell line each:
 * insmod, rmmod, modprobe, lsmod, modinfo, dmesg, cat/echo on /proc and /sys …) on the modelled
 * kernel and print what a root terminal would show ("# line", then its output). Module paths are
 * relative to the script's folder; "corpus:kernel/…" names a module of the Debian corpus (as the
 * QEMU runner scripts/qemu/run-scenario.mjs accepts too).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bootBatchKernel } from '../../engine/kernel-session';
import { runScript } from '../../engine/shell/index';
import { CliError } from './errors';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { loadProfile } from './kernel-files';
import { Kernel24 } from '../../engine/linux24/index';
import { runScript24 } from '../../engine/linux24/index';
import type { Sink } from './out';

const CORPUS = join(
  process.env.MODSCOPE_CACHE ?? join(process.env.HOME ?? '/root', '.cache', 'modscope'),
  'corpus',
  'lib',
  'modules',
  '6.1.0-50-amd64',
);

export interface ShellOptions {
  script: string;
  kaslrSeed: number | null;
  modules: string | null;
  /** The 2.4 model (modutils' insmod/rmmod/lsmod, /proc/ksyms) instead of Debian 6.1. */
  kernel: '6.1' | '2.4';
}

export function parseShellArgs(argv: readonly string[]): ShellOptions {
  const o: ShellOptions = { script: '', kaslrSeed: null, modules: null, kernel: '6.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kaslr') {
      const v = argv[++i] ?? '';
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new CliError('USAGE', `--kaslr needs a seed 0..4294967295, got "${v}"`, undefined, 1);
      o.kaslrSeed = Number(v);
    } else if (a === '--modules') o.modules = argv[++i] ?? '';
    else if (a === '--kernel') {
      const v = argv[++i] ?? '';
      if (v !== '6.1' && v !== '2.4') throw new CliError('USAGE', `--kernel is 6.1 or 2.4, got "${v}"`, undefined, 1);
      o.kernel = v;
    } else if (a.startsWith('--')) throw new CliError('USAGE', `unknown option ${a} (see modscope --help)`, undefined, 1);
    else if (o.script) throw new CliError('USAGE', 'shell takes one script', undefined, 1);
    else o.script = a;
  }
  if (!o.script) throw new CliError('USAGE', 'shell needs a script file (see modscope --help)', undefined, 1);
  return o;
}

/** Every .ko under dir by module name (dashes as underscores), for modprobe NAME. */
export function moduleIndex(dir: string): Map<string, string> {
  const idx = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) idx.set(e.name.slice(0, -3).replace(/-/g, '_'), p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return idx;
}

export async function shellCommand(o: ShellOptions, write: Sink): Promise<number> {
  let text: string;
  try {
    text = readFileSync(o.script, 'utf8');
  } catch (e) {
    throw new CliError('ENOENT', `cannot read ${o.script}: ${(e as Error).message}`);
  }
  const base = dirname(resolve(o.script));
  // The script names modules as written ("../hello/hello.ko", "corpus:kernel/fs/fat/vfat.ko");
  // the shell sees them under /root by base name, as the QEMU runner copies them.
  const byBase = new Map<string, string>();
  const lines = text.split('\n').map((line) =>
    line.replace(/(?:corpus:)?[\w./-]+\.ko(?:\.xz|\.zst|\.gz)?\b/g, (p) => {
      const real = p.startsWith('corpus:') ? join(CORPUS, p.slice(7)) : resolve(base, p);
      const name = real.split('/').pop() ?? p;
      byBase.set(name, real);
      return name;
    }),
  );
  const index = moduleIndex(o.modules ?? join(CORPUS, 'kernel'));
  for (const [name, path] of index) if (!byBase.has(`${name}.ko`)) byBase.set(path.split('/').pop() ?? '', path);
  const files = (path: string): Uint8Array | null => {
    const p =
      byBase.get(path.split('/').pop() ?? path) ?? (path.startsWith('/lib/modules/') ? join(CORPUS, path.split('/').slice(4).join('/')) : null);
    if (!p || !existsSync(p)) return null;
    const b = readFileSync(p);
    return new Uint8Array(p.endsWith('.gz') ? gunzipSync(b) : b);
  };
  if (o.kernel === '2.4') {
    await write(runScript24(new Kernel24(loadProfile(), { decoder: createIcedDecoder() }), lines.join('\n'), files));
    return 0;
  }
  const k = bootBatchKernel(loadProfile(), { kaslrSeed: o.kaslrSeed, quiet: true, decoder: createIcedDecoder() });
  await write(runScript(k, lines.join('\n'), files, { moduleIndex: index }));
  return 0;
}

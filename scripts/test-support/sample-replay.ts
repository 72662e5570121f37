/**
 * Replays chosen targets of scripts/qemu/recordings/modprobe-sample.json.gz (the real 6.1.0-50 kernel under QEMU) one
 * by one, each on a freshly booted model kernel, and says per target whether modprobe's output and exit code, the
 * kernel log lines it made and /proc/modules (without load addresses: where a module lands depends on the real
 * kernel's do_free_init() timing, module-recordings.test.ts) are those of the real run. The unit tests of single
 * kernel-function models use it to check a model on the real modules that call it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bootKernel, CORPUS, ROOT } from './kernel';
import { Shell } from '../../engine/shell/index';
import { attachCpu } from '../../engine/cpu/attach';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { moduleIndex } from '../../main/cli/shell';

interface Kmsg {
  level: number;
  text: string;
}
interface Rec {
  target: string;
  modprobe?: { cmd: string; output: string; rc: number; kmsg: Kmsg[] };
  modules?: string[];
}
interface Recording {
  modules: Rec[];
  depmod: { deps: Record<string, string[]>; softdeps: Record<string, { pre: string[]; post: string[] }> };
}

export const SAMPLE_REC = join(ROOT, 'scripts', 'qemu', 'recordings', 'modprobe-sample.json.gz');
export const haveSampleCorpus = existsSync(SAMPLE_REC) && existsSync(join(CORPUS, 'fs', 'xfs', 'xfs.ko'));

/** target → 'identical', or the model's and the real run's outcome side by side. */
export function replaySampleTargets(targets: string[]): Record<string, string> {
  if (!haveSampleCorpus) throw new Error(`missing ${SAMPLE_REC} or the Debian corpus at ${CORPUS} (scripts/fetch-corpus.sh)`);
  const rec = JSON.parse(gunzipSync(readFileSync(SAMPLE_REC)).toString('utf8')) as Recording;
  const index = moduleIndex(CORPUS);
  const depmod = { deps: new Map(Object.entries(rec.depmod.deps)), softdeps: new Map(Object.entries(rec.depmod.softdeps)) };
  const files = (p: string): Uint8Array | null => (p.startsWith(CORPUS) && existsSync(p) ? new Uint8Array(readFileSync(p)) : null);
  const decoder = createIcedDecoder();
  const noAddr = (rows: string[]): string[] => rows.map((row) => row.replace(/ 0x[0-9a-f]+$/, ''));
  const realOut = (s: string): string => s.replace(/^\/init: (eval: )?line \d+: /gm, 'sh: ');
  const seen: Record<string, string> = {};
  for (const target of targets) {
    const r = rec.modules.find((m) => m.target === target);
    if (!r?.modprobe || !r.modules) throw new Error(`${target}: not a complete target of ${SAMPLE_REC}`);
    const k = bootKernel({ quiet: true });
    attachCpu(k, decoder);
    const sh = new Shell(k, files, { moduleIndex: index, depmod });
    sh.vfs.cwd = '/root';
    const from = k.log.records.length;
    const p = sh.run(r.modprobe.cmd);
    const log = k.log.records.slice(from).flatMap((m) => m.text.split('\n').map((l) => `<${m.level}>${l}`));
    const mods = sh.run('cat /proc/modules').output.split('\n').filter(Boolean);
    const model = JSON.stringify([p.output, p.exit, log, noAddr(mods)]);
    const real = JSON.stringify([realOut(r.modprobe.output), r.modprobe.rc, r.modprobe.kmsg.map((m) => `<${m.level}>${m.text}`), noAddr(r.modules)]);
    seen[target] = model === real ? 'identical' : `differs: model ${model} vs real ${real}`;
  }
  return seen;
}

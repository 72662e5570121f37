/**
 * Replays the commands of two real QEMU runs (qemu-transcripts.json: Debian 6.1.0-50-amd64 booted
 * `quiet nokaslr`, scripts/qemu/run-scenario.mjs) on the modelled kernel and compares what the
 * terminal showed, byte for byte. Steps whose difference is known and explained are listed in
 * KNOWN with the reason; every other step must match.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootKernel, CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { Shell } from './index';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

/** Files as the QEMU scenarios have them: samples and corpus modules in /root, the corpus under /lib/modules. */
const SAMPLES = ['hello', 'permanent', 'provider', 'consumer', 'proprietary', 'gplonly', 'params', 'failing-init'];
const FAT = join(CORPUS, 'fs', 'fat');
const haveFat = ['fat.ko', 'vfat.ko', 'msdos.ko'].every((f) => existsSync(join(FAT, f)));

function files(path: string): Uint8Array | null {
  const m = /^\/root\/([\w-]+)\.ko$/.exec(path);
  if (m && SAMPLES.includes(m[1])) {
    const dir = m[1] === 'gplonly' ? 'proprietary' : m[1];
    return new Uint8Array(readFileSync(join(ROOT, 'samples', dir, `${m[1]}.ko`)));
  }
  if (m && ['fat', 'vfat', 'msdos'].includes(m[1]) && haveFat) return new Uint8Array(readFileSync(join(FAT, `${m[1]}.ko`)));
  const c = /^\/lib\/modules\/6\.1\.0-50-amd64\/kernel\/(.+\.ko)$/.exec(path);
  if (c && existsSync(join(CORPUS, c[1]))) return new Uint8Array(readFileSync(join(CORPUS, c[1])));
  return null;
}

interface Step {
  cmd: string;
  output: string | null;
  rc: number;
}
interface Transcripts {
  runs: Record<string, { steps: Step[] }>;
}

const T = JSON.parse(readFileSync(new URL('./qemu-transcripts.json', import.meta.url), 'utf8')) as Transcripts;

const BUSYBOX_TOOL = 'run a called busybox applets (busybox sh prefers them to /sbin/kmod); the shell answers as kmod';
const INIT = "hello_init() refuses count=-1 with -EINVAL: the init's return value needs the CPU model (ModelKernel.runInit)";
const KNOWN: Record<string, Record<string, string>> = {
  a: {
    lsmod: BUSYBOX_TOOL,
    'insmod hello.ko': BUSYBOX_TOOL,
    'insmod "nope".ko': BUSYBOX_TOOL,
    'ls -l /sys/module/hello/parameters': 'ls -l is not modelled (it prints names only)',
    'modinfo hello.ko': BUSYBOX_TOOL,
    'modinfo hello': BUSYBOX_TOOL,
    'rmmod hello': BUSYBOX_TOOL,
    'modprobe vfat': BUSYBOX_TOOL,
    'modprobe -r vfat': BUSYBOX_TOOL,
    'rmmod permanent': BUSYBOX_TOOL,
    'rmmod fat': BUSYBOX_TOOL,
    'ls /sys/module': '/sys/module also lists the built-in modules, which the model does not know',
    'lsmod | head -1': BUSYBOX_TOOL,
    'insmod -f hello.ko': BUSYBOX_TOOL,
    'insmod hello.ko count=-1': BUSYBOX_TOOL,
    'insmod hello.ko count=1 whom=x': BUSYBOX_TOOL,
    'rmmod nosuch': BUSYBOX_TOOL,
    rmmod: BUSYBOX_TOOL,
    insmod: BUSYBOX_TOOL,
    dmesg: 'the kernel log depends on the boot and on init functions running (the CPU model)',
    'cat /proc/sys/kernel/tainted#2': 'the model took `insmod -f hello.ko` as a forced load (taint F); busybox took -f for a file name',
  },
  b: {
    '/sbin/insmod hello.ko count=-1': INIT,
    '/sbin/insmod hello.ko count=abc': 'follows from the step before (hello stayed loaded: File exists)',
    '/sbin/insmod hello.ko nosuchparam=1': 'follows from the step before',
    '/sbin/depmod': 'the QEMU initramfs has no modules.order/modules.builtin: a Debian system prints nothing',
    'dmesg -r | tail -4': 'the kernel log depends on init functions running (the CPU model)',
    'dmesg -n 9': 'QEMU ran busybox dmesg ("dmesg: klogctl: Invalid argument"); Debian\'s util-linux dmesg refuses the level itself',
    'dmesg -n 0': 'as above',
    'grep provider /proc/kallsyms':
      "vmlinux's own symbols are not in the profile; and 6.1 shows a GPL-only export (provider_greet) in lower case " +
      "(is_exported() looks at mod->syms only): the loader's KallsymEntry.type",
  },
  c: {
    'mkdir -p /lib/modules/6.1.0-50-amd64/kernel/fs/fat': 'setting up the module tree: the shell has a module index instead',
    'cp fat.ko /lib/modules/6.1.0-50-amd64/kernel/fs/fat/': 'as above',
    'cp vfat.ko /lib/modules/6.1.0-50-amd64/kernel/fs/fat/': 'as above',
    'cp msdos.ko /lib/modules/6.1.0-50-amd64/kernel/fs/fat/': 'as above',
    '/sbin/depmod': 'the QEMU initramfs has no modules.order/modules.builtin: a Debian system prints nothing',
    'cat /lib/modules/6.1.0-50-amd64/modules.dep': 'modules.dep is not generated',
  },
};

/** Run c installed the three modules where modules.dep points. */
const INDEX: Record<string, ReadonlyMap<string, string>> = {
  c: new Map(['fat', 'vfat', 'msdos'].map((m) => [m, `/lib/modules/6.1.0-50-amd64/kernel/fs/fat/${m}.ko`])),
};

describe.skipIf(missing(CORPUS_WHAT, haveFat))('the shell against real QEMU transcripts', () => {
  for (const run of Object.keys(T.runs)) {
    it(`run ${run}`, () => {
      const sh = new Shell(bootKernel({ quiet: true }), files, { moduleIndex: INDEX[run] });
      const mismatches: string[] = [];
      let compared = 0;
      const seen = new Map<string, number>();
      for (const s of T.runs[run].steps) {
        const r = sh.run(s.cmd);
        // KNOWN keys: the command (every time), or "command#N" for its N-th occurrence.
        const nth = (seen.get(s.cmd) ?? 0) + 1;
        seen.set(s.cmd, nth);
        if (s.output === null || KNOWN[run]?.[s.cmd] !== undefined || KNOWN[run]?.[`${s.cmd}#${nth}`] !== undefined) continue;
        // The runner evaluates each line inside /init: busybox prefixes its own errors with that.
        const real = s.output.replace(/^\/init: eval: line \d+: /gm, 'sh: ');
        compared++;
        if (r.output !== real || r.exit !== s.rc)
          mismatches.push(`${s.cmd}\n  real (${s.rc}): ${JSON.stringify(real)}\n  model (${r.exit}): ${JSON.stringify(r.output)}`);
      }
      expect(mismatches).toEqual([]);
      expect(compared).toBeGreaterThan(20);
    });
  }
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootKernel, CORPUS, ROOT } from '../../scripts/test-support/kernel';
import type { ModelKernel } from '../kernel/model';
import { runScript, Shell, type ShellDeps } from './index';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const SAMPLES = ['hello', 'permanent', 'provider', 'consumer', 'proprietary', 'params', 'failing-init'];
const FAT = join(CORPUS, 'fs', 'fat');
const haveFat = ['fat.ko', 'vfat.ko', 'msdos.ko'].every((f) => existsSync(join(FAT, f)));

/** Files as a QEMU scenario has them: samples in /root, the corpus under /lib/modules. */
function files(path: string): Uint8Array | null {
  const m = /^\/root\/([\w-]+)\.ko$/.exec(path);
  if (m && SAMPLES.includes(m[1])) return new Uint8Array(readFileSync(join(ROOT, 'samples', m[1], `${m[1]}.ko`)));
  const c = /^\/lib\/modules\/6\.1\.0-50-amd64\/kernel\/(.+\.ko)$/.exec(path);
  if (c && existsSync(join(CORPUS, c[1]))) return new Uint8Array(readFileSync(join(CORPUS, c[1])));
  if (/^\/root\/(fat|vfat|msdos)\.ko$/.test(path) && haveFat) return new Uint8Array(readFileSync(join(FAT, path.slice(6))));
  return null;
}

const FAT_INDEX = new Map([
  ['fat', '/lib/modules/6.1.0-50-amd64/kernel/fs/fat/fat.ko'],
  ['vfat', '/lib/modules/6.1.0-50-amd64/kernel/fs/fat/vfat.ko'],
  ['msdos', '/lib/modules/6.1.0-50-amd64/kernel/fs/fat/msdos.ko'],
]);

function shell(deps: ShellDeps = {}): { k: ModelKernel; sh: Shell; run: (l: string) => string } {
  // Booted like the QEMU runs: `quiet`, so console_loglevel is 4.
  const k = bootKernel({ quiet: true });
  const sh = new Shell(k, files, deps);
  return { k, sh, run: (l) => sh.run(l).output };
}

describe('insmod / lsmod / /proc/modules on hello.ko', () => {
  it('loads with count=3 and lists it like kmod and the kernel do', () => {
    const { k, sh, run } = shell();
    expect(sh.run('insmod hello.ko count=3')).toEqual({ output: '', exit: 0 });
    const hello = k.findModule('hello');
    expect(hello?.args).toBe('count=3');
    // Under QEMU: "hello                  16384  0" and "hello 16384 0 - Live 0xffffffffc0201000 (OE)".
    expect(hello?.coreLayout.size).toBe(16384);
    expect(run('lsmod')).toBe('Module                  Size  Used by\nhello                  16384  0\n');
    const base = hello?.core?.base ?? 0n;
    expect(run('cat /proc/modules')).toBe(`hello 16384 0 - Live 0x${base.toString(16)} (OE)\n`);
    expect(run('cat /proc/modules')).toMatch(/^hello 16384 0 - Live 0xffffffffc0[0-9a-f]{6} \(OE\)\n$/);
  });

  it('a second insmod fails with File exists, and the output is on the operation', () => {
    const { k, sh } = shell();
    sh.run('insmod hello.ko');
    const r = sh.run('insmod hello.ko');
    expect(r).toEqual({ output: 'insmod: ERROR: could not insert module hello.ko: File exists\n', exit: 1 });
    const op = k.timeline.ops[k.timeline.ops.length - 1];
    expect(op.result).toBe(-17);
    expect(op.output).toEqual(['insmod: ERROR: could not insert module hello.ko: File exists']);
  });

  it('a missing file never reaches the kernel', () => {
    const { k, sh } = shell();
    expect(sh.run('insmod nope.ko')).toEqual({ output: 'insmod: ERROR: could not load module nope.ko: No such file or directory\n', exit: 1 });
    expect(sh.run('insmod')).toEqual({ output: 'insmod: ERROR: missing filename.\n', exit: 1 });
    const op = k.timeline.ops[k.timeline.ops.length - 1];
    expect(op.output).toEqual(['insmod: ERROR: could not load module nope.ko: No such file or directory']);
    expect(k.modules).toEqual([]);
  });

  it('/sys/module/hello attributes', () => {
    const { run } = shell();
    run('insmod hello.ko count=3');
    expect(run('cat /sys/module/hello/coresize')).toBe('16384\n');
    expect(run('cat /sys/module/hello/initsize')).toBe('0\n');
    expect(run('cat /sys/module/hello/initstate')).toBe('live\n');
    expect(run('cat /sys/module/hello/refcnt')).toBe('0\n');
    expect(run('cat /sys/module/hello/taint')).toBe('OE\n');
    // hello.ko has no srcversion= or version= in .modinfo: no file (as under QEMU).
    expect(run('cat /sys/module/hello/srcversion')).toBe("cat: can't open '/sys/module/hello/srcversion': No such file or directory\n");
    expect(run('ls /sys/module/hello')).toBe('coresize\nholders\ninitsize\ninitstate\nnotes\nparameters\nrefcnt\nsections\ntaint\nuevent\n');
    expect(run('ls /sys/module/hello/parameters')).toBe('count\nwhom\n');
    expect(run('ls /sys/module')).toBe('hello\n');
  });

  it('/sys/module/hello/sections lists the SHF_ALLOC, non-empty sections (QEMU listing)', () => {
    const { k, run } = shell();
    run('insmod hello.ko');
    expect(run('ls -a /sys/module/hello/sections')).toBe(
      [
        '.',
        '..',
        '.data',
        '.exit.data',
        '.exit.text',
        '.gnu.linkonce.this_module',
        '.init.data',
        '.init.text',
        '.note.Linux',
        '.note.gnu.build-id',
        '.orc_unwind',
        '.orc_unwind_ip',
        '.return_sites',
        '.rodata',
        '.rodata.str1.1',
        '.rodata.str1.8',
        '.strtab',
        '.symtab',
        '__mcount_loc',
        '__param',
        '',
      ].join('\n'),
    );
    expect(run('ls /sys/module/hello/sections')).toBe('__mcount_loc\n__param\n');
    // .text is empty in hello.ko: no file.
    expect(run('cat /sys/module/hello/sections/.text')).toBe("cat: can't open '/sys/module/hello/sections/.text': No such file or directory\n");
    const exit = k.findModule('hello')?.sections.find((s) => s.name === '.exit.text');
    expect(run('cat /sys/module/hello/sections/.exit.text')).toBe(`0x${exit?.address.toString(16)}\n`);
  });

  it('grep hello /proc/kallsyms shows the module symbols', () => {
    const { k, run } = shell();
    run('insmod hello.ko');
    const out = run('grep hello /proc/kallsyms');
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBe(k.findModule('hello')?.kallsyms.length);
    expect(lines.some((l) => /^ffffffffc0[0-9a-f]{6} t hello_exit\t\[hello\]$/.test(l))).toBe(true);
    expect(run('grep -c hello /proc/kallsyms')).toBe(`${lines.length}\n`);
  });
});

describe('rmmod', () => {
  it('removes hello, then says it is not loaded', () => {
    const { k, sh } = shell();
    sh.run('insmod hello.ko');
    expect(sh.run('rmmod hello')).toEqual({ output: '', exit: 0 });
    expect(k.findModule('hello')).toBeUndefined();
    expect(sh.run('rmmod hello')).toEqual({ output: 'rmmod: ERROR: Module hello is not currently loaded\n', exit: 1 });
    expect(sh.run('rmmod')).toEqual({ output: 'rmmod: ERROR: missing module name.\n', exit: 1 });
    // A path names the module after its file.
    expect(sh.run('rmmod hello.ko').output).toBe('rmmod: ERROR: Module hello is not currently loaded\n');
    const op = k.timeline.ops[k.timeline.ops.length - 1];
    expect(op.output).toEqual(['rmmod: ERROR: Module hello is not currently loaded']);
    expect(sh.run('lsmod').output).toBe('Module                  Size  Used by\n');
  });

  it('a permanent module: [permanent], in /proc/modules and EBUSY from delete_module', () => {
    const { sh, run } = shell();
    run('insmod permanent.ko');
    expect(run('cat /proc/modules')).toMatch(/^permanent 12288 0 \[permanent\], Live 0x[0-9a-f]{16} \(OE\)\n$/);
    expect(run('lsmod')).toBe('Module                  Size  Used by\npermanent              12288  0\n');
    expect(sh.run('rmmod permanent')).toEqual({
      output:
        "rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove 'permanent': Device or resource busy\n" +
        'rmmod: ERROR: could not remove module permanent: Device or resource busy\n',
      exit: 1,
    });
  });

  it('provider is in use by consumer', () => {
    const { k, run } = shell();
    expect(run('insmod consumer.ko')).toBe('insmod: ERROR: could not insert module consumer.ko: Unknown symbol in module\n');
    run('insmod provider.ko');
    expect(run('insmod consumer.ko')).toBe('');
    expect(run('lsmod')).toBe('Module                  Size  Used by\nconsumer               16384  0\nprovider               16384  1 consumer\n');
    expect(run('cat /proc/modules')).toMatch(/\nprovider 16384 1 consumer, Live 0x[0-9a-f]{16} \(OE\)\n$/);
    expect(run('rmmod provider')).toBe('rmmod: ERROR: Module provider is in use by: consumer\n');
    expect(run('ls /sys/module/provider/holders')).toBe('consumer\n');
    expect(run('cat /sys/module/provider/refcnt')).toBe('1\n');
    expect(k.findModule('provider')?.state).toBe('LIVE');
  });
});

describe('dmesg and printk', () => {
  it('shows the taint lines and the greetings, then -c empties it', () => {
    const { run } = shell();
    run('insmod hello.ko count=3');
    const out = run('dmesg');
    const texts = out
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/^\[ *\d+\.\d{6}\] /, ''));
    expect(texts.slice(0, 2)).toEqual([
      'hello: loading out-of-tree module taints kernel.',
      'hello: module verification failed: signature and/or required key missing - tainting kernel',
    ]);
    expect(out.split('\n')[0]).toMatch(/^\[ {4}\d\.\d{6}\] hello: loading out-of-tree module taints kernel\.$/);
    expect(run('dmesg -r').split('\n')[0]).toMatch(/^<4>\[ {4}\d\.\d{6}\] hello: loading out-of-tree/);
    expect(run('dmesg -c')).toBe(out);
    expect(run('dmesg')).toBe('');
    run('rmmod hello');
    expect(run('dmesg -x')).toMatch(/^(kern {2}:info {2}: \[ +\d+\.\d{6}\] Goodbye\n)?$/);
    run('dmesg -C');
    expect(run('dmesg')).toBe('');
  });

  it('/dev/kmsg writes are user records (<12> by default)', () => {
    const { run } = shell();
    run('echo hi > /dev/kmsg');
    run("echo '<3>boom' > /dev/kmsg");
    expect(run('dmesg -r')).toMatch(/^<12>\[ +\d+\.\d{6}\] hi\n<11>\[ +\d+\.\d{6}\] boom\n$/);
    expect(run('dmesg -u -l err -t')).toBe('boom\n');
  });

  it('/proc/sys/kernel/printk reads and writes, dmesg -n sets the console level', () => {
    const { k, run } = shell();
    expect(run('cat /proc/sys/kernel/printk')).toBe('4\t4\t1\t7\n');
    expect(run('echo 8 > /proc/sys/kernel/printk')).toBe('');
    expect(run('cat /proc/sys/kernel/printk')).toBe('8\t4\t1\t7\n');
    expect(run('echo 7 4 1 7 > /proc/sys/kernel/printk')).toBe('');
    expect(k.printk).toEqual([7, 4, 1, 7]);
    expect(run('dmesg -n 3')).toBe('');
    expect(run('cat /proc/sys/kernel/printk')).toBe('3\t4\t1\t7\n');
    expect(run('dmesg -n debug')).toBe('');
    expect(k.printk[0]).toBe(8);
    expect(run('dmesg -n 9')).toBe("dmesg: unknown level '9'\n");
    expect(run('cat /proc/sys/kernel/tainted')).toBe('0\n');
    run('insmod hello.ko');
    expect(run('cat /proc/sys/kernel/tainted')).toBe('12288\n');
  });
});

describe('modinfo', () => {
  it('prints hello.ko as kmod 30 does (checked under QEMU)', () => {
    const { run, sh } = shell();
    expect(run('modinfo hello.ko')).toBe(
      [
        'filename:       /root/hello.ko',
        'description:    Greets <whom> <count> times on load, says goodbye on unload',
        'author:         Modscope team',
        'license:        GPL',
        'depends:        ',
        'retpoline:      Y',
        'name:           hello',
        'vermagic:       6.1.0-50-amd64 SMP preempt mod_unload modversions ',
        'parm:           count:How many times to greet (int)',
        'parm:           whom:Who to greet (charp)',
        '',
      ].join('\n'),
    );
    expect(run('modinfo -F parm hello.ko')).toBe('count:How many times to greet (int)\nwhom:Who to greet (charp)\n');
    expect(sh.run('modinfo hello')).toEqual({ output: 'modinfo: ERROR: Module hello not found.\n', exit: 1 });
    expect(run('modinfo')).toBe('modinfo: ERROR: missing module or filename.\n');
  });

  it.skipIf(missing(CORPUS_WHAT, haveFat))('shows the signature of a Debian module', () => {
    const { run } = shell();
    const out = run('modinfo fat.ko');
    expect(
      out.startsWith(
        'filename:       /root/fat.ko\nlicense:        GPL\ndepends:        \nretpoline:      Y\nintree:         Y\nname:           fat\n',
      ),
    ).toBe(true);
    const sigHead = /\nsig_id:         PKCS#7\nsigner:         \S.*\nsig_key:        ([0-9A-F]{2}:)+[0-9A-F]{2}\n/;
    const sigTail = /sig_hashalgo:   sha256\nsignature:      ([0-9A-F]{2}:){19}[0-9A-F]{2}:\n\t\t/;
    expect(out).toMatch(new RegExp(sigHead.source + sigTail.source));
  });
});

describe('shell basics', () => {
  it('unknown commands, files, quoting, comments, pipes', () => {
    const { sh, run } = shell();
    expect(sh.run('foo')).toEqual({ output: 'sh: foo: not found\n', exit: 127 });
    expect(sh.run('cat /nonexistent')).toEqual({ output: "cat: can't open '/nonexistent': No such file or directory\n", exit: 1 });
    expect(run('echo "a  b" \'c d\' # comment')).toBe('a  b c d\n');
    expect(sh.run('')).toEqual({ output: '', exit: 0 });
    expect(sh.run('# only a comment')).toEqual({ output: '', exit: 0 });
    run('insmod hello.ko');
    run('insmod provider.ko');
    expect(run('lsmod | wc -l')).toBe('3\n');
    expect(run('lsmod | head -1')).toBe('Module                  Size  Used by\n');
    expect(run('cat /proc/modules | tail -1')).toMatch(/^hello /);
    expect(run('lsmod | grep -v Module | grep hello')).toBe('hello                  16384  0\n');
    expect(sh.run('echo "unterminated')).toEqual({ output: 'sh: syntax error: unterminated quoted string\n', exit: 2 });
    expect(run('echo x > /proc/nonexist')).toBe("sh: can't create /proc/nonexist: nonexistent directory\n");
    expect(run('echo x > /sys/module/hello/nope')).toBe("sh: can't create /sys/module/hello/nope: Permission denied\n");
    expect(run('echo saved > /tmp/f; cat /tmp/f')).toBe('saved\n');
    expect(run('false || echo ok && echo yes')).toBe('ok\nyes\n');
    expect(run('/sbin/lsmod | head -2')).toBe('Module                  Size  Used by\nprovider               16384  0\n');
  });

  it('parameters: permission checks here, values through the params hook', () => {
    const store = new Map<string, string>([
      ['count', '1\n'],
      ['whom', 'world\n'],
    ]);
    const deps: ShellDeps = {
      params: {
        readParam: (_k, _m, p) => ({ ok: true, text: store.get(p) ?? '' }),
        writeParam: (_k, _m, p, v) => {
          if (!/^-?\d+\n?$/.test(v)) return { ok: false, errno: -22 };
          store.set(p, v);
          return { ok: true };
        },
      },
    };
    const { run, sh } = shell(deps);
    run('insmod hello.ko');
    expect(run('cat /sys/module/hello/parameters/count')).toBe('1\n');
    expect(sh.run('echo 5 > /sys/module/hello/parameters/count')).toEqual({ output: '', exit: 0 });
    expect(store.get('count')).toBe('5\n');
    expect(sh.run('echo abc > /sys/module/hello/parameters/count')).toEqual({ output: 'sh: write error: Invalid argument\n', exit: 1 });
    expect(sh.run('echo bob > /sys/module/hello/parameters/whom')).toEqual({
      output: "sh: can't create /sys/module/hello/parameters/whom: Permission denied\n",
      exit: 1,
    });
    expect(run('cat /sys/module/hello/parameters/nope')).toBe("cat: can't open '/sys/module/hello/parameters/nope': No such file or directory\n");
  });

  it('runScript writes a transcript with the root prompt', () => {
    const k = bootKernel({ quiet: true });
    const t = runScript(k, '# load it\ninsmod hello.ko count=3\n\ninsmod hello.ko\nlsmod\n', files);
    expect(t).toBe(
      '# insmod hello.ko count=3\n' +
        '# insmod hello.ko\ninsmod: ERROR: could not insert module hello.ko: File exists\n' +
        '# lsmod\nModule                  Size  Used by\nhello                  16384  0\n',
    );
  });
});

describe.skipIf(missing(CORPUS_WHAT, haveFat))('a real dependency: fat and vfat from the Debian corpus', () => {
  it('modprobe vfat loads fat first; rmmod fat is refused while vfat uses it', () => {
    const { k, sh, run } = shell({ moduleIndex: FAT_INDEX });
    expect(sh.run('modprobe vfat')).toEqual({ output: '', exit: 0 });
    expect(k.modules.map((m) => m.name)).toEqual(['vfat', 'fat']);
    const ops = k.timeline.ops.map((o) => o.command);
    expect(ops).toEqual(['modprobe vfat (dependency fat)', 'modprobe vfat']);
    expect(run('lsmod')).toBe('Module                  Size  Used by\nvfat                   24576  0\nfat                    90112  1 vfat\n');
    expect(run('cat /proc/modules')).toMatch(/^vfat 24576 0 - Live 0x[0-9a-f]{16}\nfat 90112 1 vfat, Live 0x[0-9a-f]{16}\n$/);
    expect(sh.run('rmmod fat')).toEqual({ output: 'rmmod: ERROR: Module fat is in use by: vfat\n', exit: 1 });
    expect(sh.run('rmmod -f fat').output).toBe(
      "rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove 'fat': Resource temporarily unavailable\n" +
        'rmmod: ERROR: could not remove module fat: Resource temporarily unavailable\n',
    );
    expect(sh.run('modprobe vfat')).toEqual({ output: '', exit: 0 });
    expect(sh.run('modprobe -r fat')).toEqual({ output: 'modprobe: FATAL: Module fat is in use.\n', exit: 1 });
    expect(sh.run('modprobe -r vfat')).toEqual({ output: '', exit: 0 });
    expect(k.modules).toEqual([]);
    expect(sh.run('modprobe nosuch')).toEqual({
      output: 'modprobe: FATAL: Module nosuch not found in directory /lib/modules/6.1.0-50-amd64\n',
      exit: 1,
    });
    expect(sh.run('modprobe -r nosuch')).toEqual({ output: 'modprobe: FATAL: Module nosuch not found.\n', exit: 1 });
  });

  it('holders are listed in kernfs order, /proc/modules users newest first', () => {
    const { run } = shell({ moduleIndex: FAT_INDEX });
    run('insmod fat.ko');
    run('insmod vfat.ko');
    run('insmod msdos.ko');
    // As under QEMU.
    expect(run('lsmod')).toBe(
      'Module                  Size  Used by\nmsdos                  20480  0\nvfat                   24576  0\nfat                    90112  2 msdos,vfat\n',
    );
    expect(run('cat /proc/modules').split('\n')[2]).toMatch(/^fat 90112 2 msdos,vfat, Live /);
    expect(run('rmmod fat')).toBe('rmmod: ERROR: Module fat is in use by: msdos vfat\n');
    expect(run('rmmod msdos vfat fat')).toBe('');
    expect(run('lsmod')).toBe('Module                  Size  Used by\n');
  });
});

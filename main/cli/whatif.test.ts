/**
 * `modscope whatif`: each mutation's answer against what the real Debian 6.1 kernel printed under QEMU for
 * the same damage (scripts/qemu/scenarios/*.qemu.json, recorded with the samples built that way):
 * bad-crc.ko is hello-like code whose _printk CRC was patched; gplonly.ko is GPL code relabelled Proprietary.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, ROOT } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { MUTATION_KINDS, parseMutation } from '../../engine/whatif/index';
import { run } from './modscope';

interface Recorded {
  steps: { cmd: string; output: string; rc: number; kmsg?: { level: number; text: string }[] }[];
}
const recorded = (name: string): Recorded =>
  JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'scenarios', `${name}.qemu.json`), 'utf8')) as Recorded;

interface Answer {
  change: string;
  divergence: { index: number | null; changed: { fn: string; errno?: number } | null };
  base: { tail: string; log: { level: number; text: string }[] };
  whatif: { tail: string; log: { level: number; text: string }[] };
}

const VFAT = join(CORPUS, 'fs', 'fat', 'vfat.ko');

async function whatif(...argv: string[]): Promise<{ code: number; answer: Answer | null; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['whatif', ...argv, '--json'], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, answer: code === 0 ? (JSON.parse(out) as Answer) : null, out, err };
}

const HELLO = join(ROOT, 'samples', 'hello', 'hello.ko');
/** Kernel log lines after the once-per-boot taint messages, as text. */
const lines = (log: { level: number; text: string }[]): string[] =>
  log.map((l) => `<${l.level}>${l.text}`).filter((l) => !/loading out-of-tree module|module verification failed/.test(l));

describe('modscope whatif', () => {
  it('crc:_printk — check_version() refuses as the real kernel refused bad-crc.ko', async () => {
    const { answer } = await whatif(HELLO, 'crc:_printk');
    const real = recorded('bad-crc').steps.find((s) => s.cmd.startsWith('insmod'))!;
    expect(answer!.divergence.changed).toMatchObject({ fn: 'simplify_symbols', errno: -22 });
    expect(lines(answer!.whatif.log)).toEqual(lines(real.kmsg!).map((l) => l.replace(/bad_crc/g, 'hello')));
    expect(`${answer!.whatif.tail}\n`).toBe(real.output.replace('bad-crc.ko', 'hello.ko'));
    expect(answer!.base.tail).toBe('insmod: ok');
  });

  it('licence:GPL on gplonly.ko — the Proprietary module the real kernel refused now loads', async () => {
    const { answer } = await whatif(join(ROOT, 'samples', 'proprietary', 'gplonly.ko'), 'licence:GPL');
    const real = recorded('proprietary').steps.find((s) => s.cmd === 'insmod gplonly.ko')!;
    expect(`${answer!.base.tail}\n`).toBe(real.output);
    expect(lines(answer!.base.log)).toEqual(lines(real.kmsg!));
    // Relabelled GPL, ktime_get resolves: no "Unknown symbol", init runs. Whether init then ends is the CPU model's
    // business: until ktime_get() has a model, Modscope says it cannot tell rather than invent an ending.
    expect(answer!.whatif.log.some((l) => /Unknown symbol/.test(l.text))).toBe(false);
    expect(answer!.whatif.tail).toMatch(/^insmod: ok$|cannot say what Linux does after ktime_get\(\)/);
    expect(answer!.divergence.changed?.fn).toBe('check_modinfo');
  });

  it('param:count=abc and count=99999999999 — parse_args() errors as recorded', async () => {
    const rec = recorded('param-errors').steps;
    for (const value of ['abc', '99999999999']) {
      const { answer } = await whatif(HELLO, `param:count=${value}`);
      const real = rec.find((s) => s.cmd === `insmod hello.ko count=${value}`)!;
      expect(`${answer!.whatif.tail}\n`).toBe(real.output);
      expect(lines(answer!.whatif.log)).toEqual(lines(real.kmsg!));
      expect(answer!.divergence.changed?.fn).toBe('parse_args');
    }
  });

  it('drop-version:_printk — Debian fails closed ("no symbol version", then Unknown symbol, -EINVAL)', async () => {
    // Debian's patch "module: Disable matching missing version CRC" turns upstream's pr_warn_once + load into a refusal.
    const { answer } = await whatif(HELLO, 'drop-version:_printk');
    expect(lines(answer!.whatif.log)).toEqual(['<4>hello: no symbol version for _printk', '<4>hello: Unknown symbol _printk (err -22)']);
    expect(answer!.whatif.tail).toBe('insmod: ERROR: could not insert module hello.ko: Invalid parameters');
  });

  it('field:e_machine=3 — elf_validity_check() refuses with ENOEXEC', async () => {
    const { answer } = await whatif(HELLO, 'field:e_machine=3');
    expect(answer!.divergence.changed).toMatchObject({ fn: 'elf_validity_check', errno: -8 });
    expect(lines(answer!.whatif.log)).toEqual(['<3>Invalid architecture in ELF header: 3']);
    expect(answer!.whatif.tail).toBe('insmod: ERROR: could not insert module hello.ko: Invalid module format');
  });

  it('bad mutations are typed errors naming what is wrong; --list names every kind', async () => {
    const a = await whatif(HELLO, 'crc:no_such_symbol');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/BAD_MUTATION.*no_such_symbol has no __versions entry/);
    const b = await whatif(HELLO, 'field:e_bogus=1');
    expect(b.err).toMatch(/unknown field "e_bogus"/);
    const PROVIDER = join(ROOT, 'samples', 'provider', 'provider.ko');
    expect((await whatif(PROVIDER, 'unexport:nope')).err).toMatch(
      /nope is not exported by this module \(it exports provider_value, provider_greet\)/,
    );
    expect((await whatif(HELLO, 'unexport:_printk')).err).toMatch(/_printk is not exported by this module \(it exports nothing\)/);
    expect((await whatif(HELLO, 'init:-EBOGUS')).err).toMatch(/unknown errno name EBOGUS/);
    expect((await whatif(HELLO, 'init:ten')).err).toMatch(/init needs a value such as -ENODEV/);
    const CRC16 = join(CORPUS, 'lib', 'crc16.ko');
    if (!missing(CORPUS_WHAT, existsSync(CRC16))) expect((await whatif(CRC16, 'init:-1')).err).toMatch(/the module has no init function/);
    expect((await whatif(HELLO, 'without:provider')).err).toMatch(/no dependency is called provider \(none given\)/);
    let out = '';
    expect(await run(['whatif', '--list'], { out: (s) => void (out += s), err: () => undefined })).toBe(0);
    // One line per kind, each with its meaning, and every kind the parser knows is listed.
    // The mutations, then the kernel-side faults under their own heading.
    const [mutations, faults] = out.split('\nFaults in the kernel');
    expect(faults).toMatch(/fail-alloc:/);
    expect(faults).toMatch(/\bfail:/);
    const listed = mutations
      .split('\n')
      .slice(1)
      .filter((l) => l.trim())
      .map((l) => /^ {2}(\S+)\s{2,}(\S.*)$/.exec(l));
    expect(listed.every((m) => m !== null && m[2].length > 20)).toBe(true);
    const kinds = [...new Set(listed.map((m) => m![1].split(':')[0]).filter((k) => k !== 'A+B'))];
    expect(kinds.sort()).toEqual([...MUTATION_KINDS].sort());
    for (const k of kinds) expect(() => parseMutation(`${k}:`)).not.toThrow(/unknown mutation/);
  });

  it.skipIf(missing(CORPUS_WHAT, existsSync(VFAT)))(
    'signature:corrupt and byte:0x100 on vfat.ko — refused with "Key was rejected by service", as signature.qemu.json recorded',
    async () => {
      const real = recorded('signature');
      const insmod = (name: string) => real.steps.find((s) => s.cmd === `insmod ${name}`);
      for (const [mutation, name] of [
        ['signature:corrupt', 'badsig.ko'],
        ['byte:0x100=0x44', 'changed.ko'],
        ['signature:strip', 'unsigned.ko'],
      ]) {
        const a = await whatif(VFAT, mutation, '--with', join(CORPUS, 'fs', 'fat', 'fat.ko'));
        const rec = insmod(name);
        expect(a.answer?.base.tail).toBe('insmod: ok');
        expect(a.answer?.whatif.tail).toBe(rec?.rc === 0 ? 'insmod: ok' : rec?.output.trim().replace(name, 'vfat.ko'));
        expect(a.answer?.whatif.log.map((l) => l.text)).toEqual((rec?.kmsg ?? []).map((l) => l.text));
      }
    },
  );

  it.skipIf(missing(CORPUS_WHAT, existsSync(VFAT)))(
    'crc: on a signed module stops at module_sig_check(), and the answer says how to reach check_version()',
    async () => {
      let out = '';
      const argv = ['whatif', VFAT, 'crc:fat_attach', '--with', join(CORPUS, 'fs', 'fat', 'fat.ko')];
      expect(await run(argv, { out: (s) => void (out += s), err: () => undefined })).toBe(0);
      expect(out).toContain('module_sig_check (kernel/module/signing.c): The signature is rejected');
      expect(out).toContain('remove the signature first: signature:strip+crc:fat_attach');
      expect(out).toContain('what-if:    insmod: ERROR: could not insert module vfat.ko: Key was rejected by service');
    },
  );

  it('--save writes the mutated module and loads nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modscope-whatif-'));
    const out = join(dir, 'changed.ko');
    let text = '';
    expect(await run(['whatif', HELLO, 'byte:0x40=0x90', '--save', out], { out: (s) => void (text += s), err: () => undefined })).toBe(0);
    const a = readFileSync(HELLO);
    const b = readFileSync(out);
    expect(b.length).toBe(a.length);
    expect(b[0x40]).toBe(0x90);
    expect([...b].filter((x, i) => x !== a[i]).length).toBe(a[0x40] === 0x90 ? 0 : 1);
    expect(text).toContain(`wrote ${out}`);
  });

  /**
   * whatif-module.sh made every what-if file with `modscope whatif SOURCE MUTATION --save` and loaded it on the real kernel:
   * each answer of `modscope whatif SOURCE MUTATION` (on a freshly booted model, so the once-per-boot taint lines aside)
   * must end as the recorded insmod ended and log the same lines.
   */
  describe.skipIf(missing(CORPUS_WHAT, existsSync(VFAT)))('every what-if of whatif-module.qemu.json', () => {
    const DIR = join(ROOT, 'scripts', 'qemu', 'scenarios');
    const rec = recorded('whatif-module').steps;
    const src = (p: string) => (p.startsWith('corpus:') ? join(CORPUS, p.slice('corpus:kernel/'.length)) : join(DIR, p));
    const FAT = join(CORPUS, 'fs', 'fat', 'fat.ko');
    const PROVIDER = join(ROOT, 'samples', 'provider', 'provider.ko');
    const CONSUMER = join(ROOT, 'samples', 'consumer', 'consumer.ko');
    const PARAMS = join(ROOT, 'samples', 'params', 'params.ko');
    // [recorded command, module, mutation, --with modules]
    const rows: [string, string, string, string[]][] = [];
    for (const line of readFileSync(join(DIR, 'whatif-module.sh'), 'utf8').split('\n')) {
      const m = /^#! make ([\w-]+\.ko) from (\S+\.ko) (\S.*)$/.exec(line.trim());
      if (!m) continue;
      const file = src(m[2]);
      const deps = /vfat\.ko$/.test(file) ? [FAT] : /consumer\.ko$/.test(file) ? [PROVIDER] : [];
      rows.push([`insmod ${m[1]}`, file, m[3].replace(/^"(.*)"$/, '$1'), deps]);
    }
    const consumerLoads = rec.filter((s) => s.cmd === 'insmod consumer.ko');
    rows.push(['insmod consumer.ko#1', CONSUMER, 'without:provider', [PROVIDER]]);
    rows.push(['insmod consumer.ko#2', CONSUMER, 'unexport:provider_greet', [PROVIDER]]);
    rows.push(['insmod vfat.ko', VFAT, 'unexport:fat_fill_super', [FAT]]);
    for (const p of ['p_ushort=-1', 'p_uint=4294967296', 'p_long=12abc', 'p_ulong=-1', 'p_ullong=0x1g', 'p_invbool=2', 'p_array=1,,2'])
      rows.push([`insmod params.ko ${p}`, PARAMS, `param:${p}`, []]);
    const ONCE = /loading out-of-tree module taints kernel|module verification failed|Disabling lock debugging|license 'Proprietary' taints kernel/;
    const kernelLines = (log: { level: number; text: string }[]) =>
      log
        .map((l) => `<${l.level}>${l.text}`)
        .filter((l) => !ONCE.test(l) && !/^<4>(RIP: 0033|Code|RSP|RAX|RDX|RBP|R10|R13| \? )/.test(l))
        // The taint flags in dump_stack()'s CPU line are the recording's state (scenarios.test.ts compares them).
        .map((l) => l.replace(/ PID: \d+ Comm: (\S+) (Not tainted|Tainted: .*?) {2,}(?=6\.1)/, ' PID: _ Comm: $1 _ '));

    it('covers every module-side mutation kind', () => {
      const kinds = new Set(rows.flatMap(([, , m]) => m.split('+').map((x) => x.slice(0, x.indexOf(':')))));
      for (const k of ['crc', 'drop-version', 'vermagic', 'licence', 'unexport', 'without', 'field', 'param', 'init', 'signature'])
        expect(kinds, k).toContain(k);
      expect(rows.length).toBeGreaterThanOrEqual(40);
    });

    for (const [cmd, file, mutation, deps] of rows) {
      it(`${cmd}: ${mutation}`, async () => {
        const [c, nth] = cmd.split('#');
        const step = nth ? consumerLoads[Number(nth) - 1] : rec.find((s) => s.cmd === c);
        expect(step, `${cmd} is recorded`).toBeDefined();
        const made = /^insmod (\S+\.ko)/.exec(c)![1];
        const argv = [file, mutation, ...deps.flatMap((d) => ['--with', d])];
        const { answer, err } = await whatif(...argv);
        expect(err).toBe('');
        const name = file.slice(file.lastIndexOf('/') + 1);
        expect(answer!.whatif.tail).toBe(step!.rc === 0 ? 'insmod: ok' : step!.output.trim().replace(made, name));
        expect(kernelLines(answer!.whatif.log)).toEqual(kernelLines(step!.kmsg ?? []));
      });
    }
  });
});

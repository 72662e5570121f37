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
    let out = '';
    expect(await run(['whatif', '--list'], { out: (s) => void (out += s), err: () => undefined })).toBe(0);
    for (const k of ['crc:', 'drop-version:', 'vermagic:', 'licence:', 'signature:', 'byte:', 'field:', 'param:']) expect(out).toContain(k);
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
});

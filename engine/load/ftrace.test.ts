/**
 * ftrace_module_init(): on the real samples and a corpus module, every __mcount_loc call site is `call __fentry__`
 * (e8 + rel32, checked here from the ELF's own relocations) before the step and the 5-byte NOP after it, and init
 * on the modelled CPU starts with that NOP, as on the real kernel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/index';
import { splitSignature } from '../kmod/signature';
import { CORPUS, ROOT, bootKernel, sample } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { memoryAt } from '../kernel-session';
import { lanesOf61 } from './lanes-61';
import { loadModule } from './load-module';

const NOP5 = [0x0f, 0x1f, 0x44, 0x00, 0x00];

/** The step of fn in the kernel's timeline, with its position. */
function stepOf(k: ReturnType<typeof bootKernel>, fn: string) {
  for (let i = 0; i < k.timeline.stepCount(); i++) {
    const s = k.timeline.step(i);
    if (s?.fn === fn) return s;
  }
  return null;
}

/** The number of __fentry__ relocations in the file (one per __mcount_loc entry gcc's -mrecord-mcount wrote). */
function fentryRelocations(image: Uint8Array): { sites: number; locEntries: number } {
  const elf = readElf(splitSignature(image).elf);
  const loc = elf.sections.find((s) => s.name === '__mcount_loc');
  const syms = elf.symtab?.symbols ?? [];
  let sites = 0;
  for (const r of elf.relocSections) for (let i = 0; i < r.count; i++) if (syms[r.sym[i]]?.name === '__fentry__') sites++;
  return { sites, locEntries: loc ? loc.size / 8 : 0 };
}

function checkModule(name: string, image: Uint8Array) {
  const k = bootKernel();
  const r = loadModule(k, { fileName: `${name}.ko`, image, args: '', syscall: 'finit_module' });
  expect(r.errno).toBe(0);
  const step = stepOf(k, 'ftrace_module_init');
  expect(step).not.toBeNull();
  const { sites, locEntries } = fentryRelocations(image);
  expect(sites).toBe(locEntries);
  expect(step?.title).toBe(`${sites.toLocaleString('en-US')} call site${sites === 1 ? '' : 's'} of __fentry__ made NOPs`);
  expect(step?.text).not.toContain('ftrace bug');
  const mod = r.module;
  const loc = mod?.allSections.find((s) => s.name === '__mcount_loc');
  expect(loc).toBeDefined();
  if (!loc || !step) return;
  const table = memoryAt(k, loc.address, loc.size, step.pos);
  const fentry = k.findSymbol('__fentry__', true)?.address ?? 0n;
  const ips: bigint[] = [];
  for (let i = 0; i < loc.size; i += 8) {
    let ip = 0n;
    for (let j = 7; j >= 0; j--) ip = (ip << 8n) | BigInt(table.bytes[i + j] ?? 0);
    const before = memoryAt(k, ip, 5, step.pos - 1).bytes;
    const rel = BigInt.asUintN(32, fentry - (ip + 5n));
    expect(before).toEqual([0xe8, ...[0n, 8n, 16n, 24n].map((s) => Number((rel >> s) & 0xffn))]);
    expect(memoryAt(k, ip, 5, step.pos).bytes).toEqual(NOP5);
    ips.push(ip);
  }
  expect(ips.length).toBe(sites);
  return { k, mod, step, ips };
}

describe('ftrace_module_init(): __fentry__ call sites become NOPs before init runs', () => {
  it('the real kernel: a module function and init both start with that NOP when init runs (scripts/qemu/ftrace-probe.mjs)', () => {
    const rec = JSON.parse(readFileSync(join(ROOT, 'scripts', 'qemu', 'recordings', 'ftrace-probe.json'), 'utf8')) as { kmsg: string[] };
    const line = rec.kmsg.find((l) => l.startsWith('ftrace_probe: probe_fn ')) ?? '';
    const m = /probe_fn ((?:[0-9a-f]{2} ?){8}) init ((?:[0-9a-f]{2} ?){8})/.exec(line);
    expect(m).not.toBeNull();
    const first5 = (hex: string) => hex.trim().split(' ').slice(0, 5).map((b) => parseInt(b, 16));
    expect(first5(m?.[1] ?? '')).toEqual(NOP5);
    expect(first5(m?.[2] ?? '')).toEqual(NOP5);
  });

  it('hello.ko: its one traceable function is init, which starts with the NOP when do_one_initcall() calls it', () => {
    const out = checkModule('hello', sample('hello/hello.ko'));
    const init = out?.mod?.initFn ?? null;
    expect(init).not.toBeNull();
    expect(out?.ips).toEqual([init]);
    // In the 2.4 ⇄ 6.1 lanes: after strndup_user (params), with complete_formation (link), run by the kernel.
    expect(out && lanesOf61(out.step)).toEqual({ stage: 'link', side: 'kernel' });
    const call = out && stepOf(out.k, 'do_one_initcall');
    expect(call).not.toBeNull();
    if (out && call && init !== null) expect(memoryAt(out.k, init, 5, call.pos - 1).bytes).toEqual(NOP5);
  });

  const dummy = join(CORPUS, 'drivers', 'net', 'dummy.ko');
  describe.skipIf(missing(CORPUS_WHAT, existsSync(dummy)))('on a Debian module', () => {
    it('dummy.ko: every site of .text, .init.text and .exit.text', () => {
      const out = checkModule('dummy', new Uint8Array(readFileSync(dummy)));
      expect(out?.step.text).toMatch(/\.text \d+, \.init\.text \d+/);
    });
  });
});

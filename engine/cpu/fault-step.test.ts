/**
 * The faulting instruction is the last CPU step of an init that oopses, marked as faulting with CR2 and
 * the #PF error code as the real kernel reported them: samples/oops (init reads through NULL) against its
 * recording on Debian's 6.1.0-50 under QEMU (scripts/qemu/scenarios/oops.qemu.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, ROOT } from '../../scripts/test-support/kernel';
import { loadModule } from '../load/load-module';
import type { InstructionDetail } from '../trace/types';
import { attachCpu } from './attach';
import { FlatMemory } from './flat-memory';
import { InstructionBlock } from './instruction-block';
import { runFunction } from './run';

interface Recording {
  steps: { cmd: string; rc: number; kmsg: { level: number; text: string }[] }[];
}
const recording = JSON.parse(readFileSync(join(ROOT, 'scripts/qemu/scenarios/oops.qemu.json'), 'utf8')) as Recording;
const real = recording.steps.find((s) => s.cmd === 'insmod oops.ko');
if (!real) throw new Error('oops.qemu.json has no "insmod oops.ko" step');
const realLog = real.kmsg.map((m) => m.text);

function insmodOops() {
  const k = bootKernel({ quiet: true });
  attachCpu(k, createIcedDecoder());
  const image = new Uint8Array(readFileSync(join(ROOT, 'samples/oops/oops.ko')));
  const r = loadModule(k, { fileName: 'oops.ko', image, args: '', syscall: 'finit_module' });
  let init = -1;
  for (let i = 0; i < k.timeline.stepCount(); i++) if (k.timeline.step(i)?.fn === 'do_one_initcall') init = i;
  const step = k.timeline.step(init);
  if (!step) throw new Error('no do_one_initcall step');
  const items: InstructionDetail[] = [];
  for (let j = 0; j < step.span; j++) {
    const it = k.timeline.at(step.pos + j)?.item;
    if (it?.kind === 'instruction') items.push(it);
  }
  return { k, r, step, items };
}

describe('the oops sample: the faulting instruction is the last CPU step', () => {
  const { k, r, step, items } = insmodOops();
  const last = items[items.length - 1];

  it('the real kernel killed insmod (the recording this is held to)', () => {
    expect(real.rc).toBe(137);
    expect(r.end).toEqual({ kind: 'killed', signal: 'SIGKILL', exitStatus: 137 });
  });

  it('is the instruction the oops names (RIP), marked faulting; every step before it completed', () => {
    expect(items.length).toBe(step.span);
    const rip = realLog.find((l) => l.startsWith('RIP: 0010:'));
    expect(rip).toBe('RIP: 0010:null_deref_init+0x26/0x1000 [oops]');
    expect(`RIP: 0010:${last.where}`).toBe(rip);
    expect(last.text).toBe('mov    (%rax),%esi');
    expect(last.fault).not.toBeNull();
    expect(items.slice(0, -1).every((i) => i.fault === null)).toBe(true);
    // The step before it is the one the pane used to end on: +0x1f, mov $fmt,%rdi.
    expect(items[items.length - 2].where).toMatch(/^null_deref_init\+0x1f\//);
  });

  it('carries CR2, the #PF error code and the fault kind exactly as the real oops printed them', () => {
    const f = last.fault;
    if (!f) throw new Error('no fault');
    expect(f.vector).toBe('#PF');
    // page_fault_oops()'s summary line "CR2: …" (the register dump's CR2 is clobbered by show_opcodes()'s own fault).
    const cr2 = realLog.filter((l) => /^CR2: [0-9a-f]{16}$/.test(l));
    expect(cr2).toEqual([`CR2: ${(f.cr2 ?? '').slice(2)}`]);
    const head = realLog.filter((l) => l.startsWith('BUG: ') || l.startsWith('#PF: '));
    expect(head).toEqual([
      'BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '#PF: supervisor read access in kernel mode',
      '#PF: error_code(0x0000) - not-present page',
    ]);
    expect(f.lines.filter((l) => l.startsWith('BUG: ') || l.startsWith('#PF: '))).toEqual(head);
    const oops = realLog.find((l) => l.startsWith('Oops: '));
    expect(oops).toBe(`Oops: ${f.errorCode.toString(16).padStart(4, '0')} [#1] PREEMPT SMP NOPTI`);
    expect(f.lines[f.lines.length - 1]).toBe(oops?.replace(/ \[#1\].*$/, ''));
  });

  it('the registers it shows are those before it ran: rax holds the NULL it reads through', () => {
    expect(last.registers.rax).toBe('0x0000000000000000');
    expect(last.registers.rip).toBe(last.rip);
  });

  it("the oops enters the log at the faulting instruction's position, after the first pr_info", () => {
    const bug = k.log.records.find((l) => l.text.startsWith('BUG: kernel NULL pointer dereference'));
    expect(bug?.pos).toBe(step.pos + step.span - 1);
    const first = k.log.records.find((l) => l.text === 'oops: reading an int at 0x0');
    expect(first?.pos).toBeLessThan(bug?.pos ?? 0);
  });
});

describe('a call through a NULL function pointer: the fetch that faulted is the last step', () => {
  it('is a zero-length step at address 0: #PF instruction fetch, error_code 0x0010, and the run stops at rip 0', () => {
    const mem = new FlatMemory();
    const code = 0xffffffffc0000000n;
    // xor %eax,%eax; call *%rax
    mem.map('text', code, new Uint8Array([0x31, 0xc0, 0xff, 0xd0]), { write: false, exec: true });
    const stack = { base: 0xffffc90000000000n, size: 16384 };
    mem.map('stack', stack.base, stack.size);
    const block = new InstructionBlock(() => null);
    const res = runFunction(code, {
      decoder: createIcedDecoder(),
      mem,
      stack,
      recorder: (ins, b, w, fault) => block.record(ins, b.rip, b.gpr, b.rflags, w, fault),
    });
    expect(res.kind).toBe('fault');
    if (res.kind !== 'fault') return;
    expect(res.rip).toBe(0n);
    expect(block.count).toBe(3);
    const d = block.describe(2);
    expect(d.rip).toBe('0x0000000000000000');
    expect(d.fault?.lines.slice(0, 3)).toEqual([
      'BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '#PF: supervisor instruction fetch in kernel mode',
      '#PF: error_code(0x0010) - not-present page',
    ]);
    expect(block.describe(1).fault).toBeNull();
  });
});

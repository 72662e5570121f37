/**
 * exec-sse.ts beyond what the differential test compares with the real CPU (engine/cpu/differential.test.ts runs
 * every form of testdata/sse-forms.txt natively): what depends on the modelled machine rather than on the host —
 * qemu64 raises #UD for AVX, SSSE3, AES-NI (the host CPU has them), the TSC runs on modelled time, and
 * kernel_fpu_begin() saves the task's registers once per system call.
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel } from '../../scripts/test-support/kernel';
import { FlatMemory } from './flat-memory';
import { KernelCpuMemory, NS_PER_INSTRUCTION } from './kernel-memory';
import { Interpreter } from './run';
import { TSC_KHZ } from './tsc';
import { CpuFault } from './types';
import { savedUserXmm } from './kernel-calls/fpu';
import { modelCaller } from './kernel-calls/model-caller';
import { KernelCallState } from './kernel-calls/state';

const CODE = 0x10000000n;
const DATA = 0x20000000n;
const decoder = createIcedDecoder();

/** Run the instructions in hex one after the other; the CpuFault of the first that faults, else null. */
function run(hex: string, setup: (it: Interpreter) => void = () => {}): { it: Interpreter; fault: CpuFault | null; data: Uint8Array } {
  const mem = new FlatMemory();
  const code = new Uint8Array(4096).fill(0xcc);
  code.set(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
  mem.map('code', CODE, code, { exec: true, write: false });
  const data = new Uint8Array(4096).map((_, i) => i & 0xff);
  mem.map('data', DATA, data);
  const it = new Interpreter(decoder, mem);
  setup(it);
  const c = it.cpu;
  c.rip = CODE;
  try {
    while (c.rip < CODE + BigInt(hex.length / 2)) {
      const op = it.fetch(c.rip);
      c.rip = op.next;
      op.fn(c, op);
      c.executed++;
    }
  } catch (e) {
    if (e instanceof CpuFault) return { it, fault: e, data };
    throw e;
  }
  return { it, fault: null, data };
}

const xmm = (it: Interpreter, n: number): string => Buffer.from(it.cpu.xmm.subarray(16 * n, 16 * n + 16)).toString('hex');

describe('SSE on the modelled qemu64 CPU', () => {
  it('movaps/movdqa/pxor take a 16-byte aligned operand and raise #GP on a misaligned one; movups/movdqu do not', () => {
    const at = (off: bigint) => (it: Interpreter) => void (it.cpu.gpr[6] = DATA + off);
    const ok = run('0f281e', at(0x20n)); // movaps (%rsi),%xmm3
    expect(ok.fault).toBeNull();
    expect(xmm(ok.it, 3)).toBe('202122232425262728292a2b2c2d2e2f');
    for (const hex of ['0f281e', '660f6f1e', '660fef1e', '660fe736']) {
      const f = run(hex, at(0x28n)).fault;
      expect(f?.kind, hex).toBe('general-protection');
      expect(f?.message).toMatch(/not 16-byte aligned/);
    }
    expect(run('0f101e', at(0x28n)).fault).toBeNull(); // movups
    expect(xmm(run('f30f6f1e', at(0x28n)).it, 3)).toBe('28292a2b2c2d2e2f3031323334353637'); // movdqu
  });

  it('raises #UD for what qemu64 lacks: AVX (VEX, no OSXSAVE), SSSE3 pshufb, AES-NI', () => {
    const cases: [string, RegExp][] = [
      ['c5fc5703', /VEX\/EVEX-encoded \(AVX\): qemu64 has no XSAVE/], // vxorps (%rbx),%ymm0,%ymm0 (xor.ko's xor_avx_2)
      ['c5fd6f00', /VEX/], // vmovdqa (%rax),%ymm0 (raid6 avx2)
      ['62f1fd486f00', /VEX\/EVEX/], // vmovdqa64 (%rax),%zmm0 (raid6 avx512)
      ['660f3800c1', /pshufb needs the CPU feature ssse3/],
      ['660f38dce0', /aesenc needs the CPU feature aes/],
      ['660f3a44c100', /pclmulqdq needs the CPU feature pclmulqdq/],
    ];
    for (const [hex, why] of cases) {
      const f = run(hex, (it) => {
        it.cpu.gpr[0] = DATA;
        it.cpu.gpr[3] = DATA;
      }).fault;
      expect(f?.kind, hex).toBe('invalid-opcode');
      expect(f?.message, hex).toMatch(why);
    }
  });

  it('movsd with xmm operands is the SSE move, without them the string instruction', () => {
    const r = run('f20f100ea5', (it) => {
      it.cpu.gpr[6] = DATA + 0x40n;
      it.cpu.gpr[7] = DATA + 0x80n;
    });
    expect(r.fault).toBeNull();
    expect(xmm(r.it, 1)).toBe('40414243444546470000000000000000');
    expect([...r.data.subarray(0x80, 0x84)]).toEqual([0x40, 0x41, 0x42, 0x43]);
    expect(r.it.cpu.gpr[6]).toBe(DATA + 0x44n);
  });
});

describe('rdtsc', () => {
  it('reads the modelled time since boot at the recorded tsc_khz (2096.021 MHz), rising with each instruction', () => {
    const ns = 5_000_000_000;
    const r = run('0f314889c10f31', (it) => {
      it.cpu.clockNs = () => ns + it.cpu.executed * NS_PER_INSTRUCTION;
    });
    const t0 = (r.it.cpu.gpr[2] << 32n) | r.it.cpu.gpr[0];
    expect(r.it.cpu.gpr[1]).toBe(((BigInt(ns) * BigInt(TSC_KHZ)) / 1_000_000n) & 0xffffffffn);
    expect(t0).toBe((BigInt(ns + 2 * NS_PER_INSTRUCTION) * BigInt(TSC_KHZ)) / 1_000_000n);
    expect(t0).toBe(10_480_105_838n);
  });

  it('never goes back on one kernel, though each run starts its instruction count at 0', () => {
    const k = bootKernel();
    const a = new KernelCpuMemory(k);
    a.instructions = () => 1_000_000;
    const t1 = a.nowNs();
    expect(t1).toBe(k.clockNs + 1_000_000 * NS_PER_INSTRUCTION);
    const b = new KernelCpuMemory(k);
    b.instructions = () => 10;
    expect(b.nowNs()).toBeGreaterThanOrEqual(t1);
  });
});

describe('kernel_fpu_begin_mask', () => {
  it("saves the task's xmm registers on the first call of a system call only (TIF_NEED_FPU_LOAD); kernel_fpu_end restores nothing", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    ctx.state.xmm.fill(0x11);
    expect(savedUserXmm(ctx.state)).toBeNull();
    expect(call('kernel_fpu_begin_mask', 3n)).toBe(0n);
    ctx.state.xmm.fill(0x22); // the module's SSE work
    expect(call('kernel_fpu_end')).toBe(0n);
    expect(ctx.state.xmm[0]).toBe(0x22);
    expect(call('kernel_fpu_begin_mask', 3n)).toBe(0n);
    expect(savedUserXmm(ctx.state)?.every((b) => b === 0x11)).toBe(true);
    expect(ctx.notes.join('\n')).toMatch(/already saved/);
  });
});

/** fpu-xstate.ts: cpu_has_xfeatures() on the qemu64 CPU, which has no XSAVE (arch/x86/kernel/fpu/xstate.c). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU64 } from './mem';

describe('cpu_has_xfeatures', () => {
  it("misses SSE|YMM and names 'AVX registers' as serpent-avx-x86_64 prints it; without a name pointer just 0", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const name = DATA_BASE + 0x100n;
    ctx.map(name, 8);
    expect(call('cpu_has_xfeatures', 0b110n, name)).toBe(0n);
    expect(ctx.peekString(readU64(ctx.mem, name))).toBe('AVX registers');
    expect(call('cpu_has_xfeatures', 0b1n, 0n)).toBe(0n);
    expect(call('cpu_has_xfeatures', 0b11100000n, name)).toBe(0n);
    expect(ctx.peekString(readU64(ctx.mem, name))).toBe('AVX-512 ZMM_Hi256');
  });
});

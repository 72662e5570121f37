/** nvmem.ts: nvmem_register() checks of drivers/nvmem/core.c, as mtd's mtd_nvmem_add() calls it. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { writeU64 } from './mem';

describe('nvmem_register', () => {
  it('is ERR_PTR(-EINVAL) without dev or reg_read/reg_write, a new device otherwise; cells are not modelled', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const c = DATA_BASE + 0x100n;
    ctx.map(c, 152);
    expect(call('nvmem_register', c)).toBe(BigInt.asUintN(64, -22n));
    writeU64(ctx.mem, c, 0xffff888000400000n); // config.dev = &mtd->dev
    expect(call('nvmem_register', c)).toBe(BigInt.asUintN(64, -22n));
    writeU64(ctx.mem, c + 88n, 0xffffffffc0001000n); // reg_read = mtd_nvmem_reg_read
    writeU64(ctx.mem, c + 8n, ctx.str('mtd0'));
    const n = call('nvmem_register', c) as bigint;
    expect(n > 0xffff888000000000n && n < 0xfffffffffffff000n).toBe(true);
    expect(call('nvmem_unregister', n)).toBe(0n);
    writeU64(ctx.mem, c + 32n, 0xffffffffc0003000n);
    expect(call('nvmem_register', c)).toBe('not-modelled');
  });
});

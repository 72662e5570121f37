/** bdi.ts: bdi_alloc()/bdi_register()/bdi_put() as mm/backing-dev.c does them (mtd's "mtd-0"). */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';

describe('backing devices', () => {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  const u32 = (a: bigint) => Number(readU64(ctx.mem, a) & 0xffffffffn);

  it('bdi_alloc initialises the struct; bdi_register formats the name into dev_name and sets dev; a second name clash is not modelled', () => {
    const b = call('bdi_alloc', BigInt.asUintN(64, -1n)) as bigint;
    expect(u32(b + 64n)).toBe(1); // refcnt
    expect(u32(b + 68n)).toBe(3); // BDI_CAP_WRITEBACK | BDI_CAP_WRITEBACK_ACCT
    expect(u32(b + 76n)).toBe(100); // max_ratio
    expect(readU64(ctx.mem, b + 48n)).toBe(32n); // ra_pages = VM_READAHEAD_PAGES
    expect(readU64(ctx.mem, b + 32n)).toBe(b + 32n); // bdi_list empty
    expect(call('bdi_register', b, ctx.str('%.28s-0'), ctx.str('mtd'))).toBe(0n);
    expect(ctx.peekString(b + 1000n)).toBe('mtd-0');
    expect(readU64(ctx.mem, b + 992n)).not.toBe(0n);
    // Registered already (dev set): 0 at once.
    expect(call('bdi_register', b, ctx.str('other'))).toBe(0n);
    const c = call('bdi_alloc', 0n) as bigint;
    expect(call('bdi_register', c, ctx.str('mtd-0'))).toBe('not-modelled');
    // bdi_put() of a still-registered bdi would WARN in release_bdi(): not modelled; after bdi_unregister it frees.
    expect(call('bdi_put', b)).toBe('not-modelled');
    call('bdi_unregister', b);
    expect(readU64(ctx.mem, b + 992n)).toBe(0n);
    expect(call('bdi_put', b)).toBe(0n);
    expect(ctx.freed).toContain(b);
  });
});

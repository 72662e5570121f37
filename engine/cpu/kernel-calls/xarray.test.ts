/** XArrays through the xa_* functions (lib/xarray.c), as ib_core's client list uses them. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU32, readU64 } from './mem';

const EBUSY = -16n & ((1n << 64n) - 1n);
const XA_PRESENT = 8n;
const XA_MARK_1 = 1n;

describe('xarray', () => {
  const { ctx, call } = modelCaller(new KernelCallState());
  /** static DEFINE_XARRAY_FLAGS(clients, XA_FLAGS_ALLOC): xa_flags = XA_FLAGS_TRACK_FREE | XA_FLAGS_MARK(XA_FREE_MARK). */
  const xa = ctx.poke(0xffffffffc0390000n, Uint8Array.of(0, 0, 0, 0, 4, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0));
  const a = 0xffff888100010000n;
  const b = 0xffff888100020000n;

  it("ib_core's assign_client_id: xa_insert at 0 then 1, -EBUSY on a taken index; xa_head and xa_flags kept true", () => {
    expect(call('__xa_insert', xa, 0n, a, 0xcc0n)).toBe(0n);
    expect(readU64(ctx.mem, xa + 8n)).toBe(a); // a lone entry at index 0 is xa_head itself
    expect(call('__xa_insert', xa, 0n, b, 0xcc0n)).toBe(EBUSY);
    expect(call('xa_set_mark', xa, 0n, XA_MARK_1)).toBe(0n);
    expect(readU32(ctx.mem, xa + 4n)).toBe((4 | (1 << 26) | (1 << 27)) >>> 0); // the free-mark bit left alone, mark 1 set
    expect(readU64(ctx.mem, xa + 8n)).toBe(a); // still the lone entry: its marks are the xa_flags bits
    expect(call('__xa_insert', xa, 1n, b, 0xcc0n)).toBe(0n);
    expect(readU64(ctx.mem, xa + 8n) & 3n).toBe(2n); // two entries: a node, an internal entry
    expect(call('xa_load', xa, 1n)).toBe(b);
  });

  it('xa_find / xa_find_after walk entries in index order with a filter; xa_erase and xa_destroy empty it', () => {
    const idx = ctx.poke(0xffffffffc0391000n, new Uint8Array(8));
    expect(call('xa_find', xa, idx, (1n << 64n) - 1n, XA_PRESENT)).toBe(a);
    expect(call('xa_find_after', xa, idx, (1n << 64n) - 1n, XA_PRESENT)).toBe(b);
    expect(readU64(ctx.mem, idx)).toBe(1n);
    expect(call('xa_find_after', xa, idx, (1n << 64n) - 1n, XA_PRESENT)).toBe(0n);
    ctx.poke(idx, new Uint8Array(8));
    expect(call('xa_find_after', xa, idx, 10n, XA_MARK_1)).toBe(0n); // only index 0 is marked
    expect(call('xa_find', xa, idx, 10n, 0n)).toBe('not-modelled'); // XA_FREE_MARK of an allocating array
    expect(call('xa_erase', xa, 0n)).toBe(a);
    expect(call('xa_destroy', xa)).toBe(0n);
    expect(readU64(ctx.mem, xa + 8n)).toBe(0n);
    expect(readU32(ctx.mem, xa + 4n)).toBe((4 | (1 << 26)) >>> 0);
  });

  it('a NULL xa_head with entries kept beside it is a new array at that address (ib_core loaded again): it starts empty', () => {
    const m = modelCaller(new KernelCallState());
    const arr = m.ctx.poke(0xffffffffc0391000n, Uint8Array.of(0, 0, 0, 0, 4, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(m.call('__xa_insert', arr, 0n, a, 0xcc0n)).toBe(0n);
    m.ctx.poke(arr, Uint8Array.of(0, 0, 0, 0, 4, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0)); // the module's .data zeroed and reloaded
    expect(m.call('xa_load', arr, 0n)).toBe(0n);
    expect(m.call('__xa_insert', arr, 0n, b, 0xcc0n)).toBe(0n);
  });
});

/** kobject.ts: kobject_set_name() and kset_register() (lib/kobject.c), as f2fs_init_sysfs() registers f2fs_kset. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { DATA_BASE } from './fake-context';
import { readU32, readU64, writeU64 } from './mem';

describe('kset_register', () => {
  it('needs a ktype (pr_err, -EINVAL), registers the named kset once, a second time is sysfs_warn_dup (not modelled)', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const k = DATA_BASE + 0x100n;
    ctx.map(k, 96);
    expect(call('kobject_set_name', k + 24n, ctx.str('f%s'), ctx.str('2fs'))).toBe(0n);
    expect(ctx.peekString(readU64(ctx.mem, k + 24n))).toBe('f2fs');
    writeU64(ctx.mem, k + 24n + 24n, 0xffff888000500000n); // kobj.parent = fs_kobj
    expect(call('kset_register', k)).toBe(BigInt.asUintN(64, -22n));
    expect(ctx.log.at(-1)?.text).toBe('must have a ktype to be initialized properly!');
    writeU64(ctx.mem, k + 24n + 40n, 0xffffffff82000000n); // kobj.ktype = &kset_ktype
    expect(call('kset_register', k)).toBe(0n);
    expect(readU32(ctx.mem, k + 24n + 56n)).toBe(1); // kref
    expect(readU32(ctx.mem, k + 24n + 60n) & 0xf).toBe(7); // initialized, in sysfs, KOBJ_ADD sent
    expect(readU64(ctx.mem, k)).toBe(k); // empty list
    expect(call('kset_register', k)).toBe('not-modelled');
    call('kset_unregister', k);
    expect(call('kset_register', k)).toBe(0n);
  });
  it("turns '/' in a name into '!'", () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    const kobj = DATA_BASE + 0x200n;
    ctx.map(kobj, 64);
    call('kobject_set_name', kobj, ctx.str('a/b'));
    expect(ctx.peekString(readU64(ctx.mem, kobj))).toBe('a!b');
  });
});

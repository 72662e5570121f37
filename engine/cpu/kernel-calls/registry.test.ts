import { describe, expect, it } from 'vitest';
import { fakeContext } from './fake-context';
import { kernelFunctionModels } from './registry';
import { KernelCallState } from './state';
import { readU64, writeU32, writeU64 } from './mem';
import type { KernelFunction } from '../types';

const neg = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

function setup(state = new KernelCallState()) {
  const ctx = fakeContext();
  const models = kernelFunctionModels(state);
  const fn = (name: string): KernelFunction => {
    const f = models.get(name);
    if (!f) throw new Error(`no model for ${name}`);
    return f;
  };
  return { ctx, fn, models, state };
}

describe('kernelFunctionModels', () => {
  it('has the common init calls and leaves the thunks to the CPU', () => {
    const { models } = setup();
    for (const name of [
      '__fentry__',
      '_printk',
      '__pci_register_driver',
      'i2c_register_driver',
      'usb_register_driver',
      '__platform_driver_register',
      'kmem_cache_create',
      '__stack_chk_fail',
      'kfree',
      'kmem_cache_destroy',
      'rc_map_register',
      'alloc_workqueue',
      '__spi_register_driver',
      '__hid_register_driver',
      'destroy_workqueue',
      '__dynamic_pr_debug',
      'register_pernet_subsys',
      'kmalloc_trace',
      'register_netdevice_notifier',
      'strcmp',
      'register_filesystem',
      'misc_register',
      '__class_create',
    ])
      expect(models.has(name), name).toBe(true);
    expect(models.has('__x86_return_thunk')).toBe(false);
    expect(models.has('__x86_indirect_thunk_rax')).toBe(false);
  });

  it('driver registrations record the driver name and return 0', () => {
    const { ctx, fn, state } = setup();
    const drv = 0xffffffffc0370000n;
    ctx.map(drv, 256);
    writeU64(ctx.mem, drv + 16n, ctx.str('e1000'));
    expect(ctx.call(fn('__pci_register_driver'), drv, 0n, ctx.str('e1000'))).toBe(0n);
    expect(state.registrations.at(-1)).toMatchObject({ kind: 'pci driver', name: 'e1000' });
    expect(ctx.notes.at(-1)).toContain("'e1000'");
  });

  it('__register_chrdev: dynamic majors 254 downwards, fixed majors return 0, overlaps -EBUSY', () => {
    const { ctx, fn } = setup();
    const reg = (major: bigint, name: string) => ctx.call(fn('__register_chrdev'), major, 0n, 256n, ctx.str(name), 0n);
    expect(reg(0n, 'hello')).toBe(254n);
    expect(reg(0n, 'second')).toBe(253n);
    expect(reg(240n, 'fixed')).toBe(0n);
    expect(reg(240n, 'again')).toBe(neg(-16));
    expect(reg(600n, 'big')).toBe(neg(-22));
    expect(ctx.log.at(-1)).toEqual({ level: 3, text: 'CHRDEV "big" major requested (600) is greater than the maximum (511)' });
    ctx.call(fn('__unregister_chrdev'), 254n, 0n, 256n, ctx.str('hello'));
    expect(reg(0n, 'third')).toBe(254n);
  });

  it('dynamic majors skip the ones the machine says are taken, then go to 511..384', () => {
    const used = Array.from({ length: 21 }, (_, i) => 234 + i);
    const { ctx, fn } = setup(new KernelCallState({ usedCharMajors: used }));
    expect(ctx.call(fn('__register_chrdev'), 0n, 0n, 256n, ctx.str('x'), 0n)).toBe(511n);
  });

  it('alloc_chrdev_region writes MKDEV(major, baseminor)', () => {
    const { ctx, fn } = setup();
    const devp = 0xffffffffc0371000n;
    ctx.map(devp, 8);
    expect(ctx.call(fn('alloc_chrdev_region'), devp, 0n, 1n, ctx.str('mydev'))).toBe(0n);
    expect(readU64(ctx.mem, devp) & 0xffffffffn).toBe(254n << 20n);
  });

  it('misc_register gives a dynamic minor from 127 down and writes it back', () => {
    const { ctx, fn } = setup();
    const misc = 0xffffffffc0372000n;
    ctx.map(misc, 64);
    writeU32(ctx.mem, misc, 255);
    writeU64(ctx.mem, misc + 8n, ctx.str('hello'));
    expect(ctx.call(fn('misc_register'), misc)).toBe(0n);
    expect(readU64(ctx.mem, misc) & 0xffffffffn).toBe(127n);
    expect(ctx.notes.at(-1)).toBe('misc_register: /dev/hello is misc device 10:127');
  });

  it('register_kprobe resolves symbol_name into kp.addr when kallsyms is available', () => {
    const { ctx, fn } = setup(new KernelCallState({ lookupSymbol: (n) => (n === 'kallsyms_lookup_name' ? 0xffffffff811a2b30n : null) }));
    const kp = 0xffffffffc0373000n;
    ctx.map(kp, 128);
    writeU64(ctx.mem, kp + 48n, ctx.str('kallsyms_lookup_name'));
    expect(ctx.call(fn('register_kprobe'), kp)).toBe(0n);
    expect(readU64(ctx.mem, kp + 40n)).toBe(0xffffffff811a2b30n);
    writeU64(ctx.mem, kp + 40n, 0n);
    writeU64(ctx.mem, kp + 48n, ctx.str('no_such_symbol'));
    expect(ctx.call(fn('register_kprobe'), kp)).toBe(neg(-2));
    const { ctx: c2, fn: f2 } = setup();
    c2.map(kp, 128);
    writeU64(c2.mem, kp + 48n, c2.str('kallsyms_lookup_name'));
    expect(c2.call(f2('register_kprobe'), kp)).toBe('not-modelled');
  });

  it('kallsyms_lookup_name (reached through a pointer) answers from kallsyms, 0 when unknown', () => {
    const { ctx, fn } = setup(new KernelCallState({ lookupSymbol: (n) => (n === 'flush_tlb_all' ? 0xffffffff8108b490n : null) }));
    expect(ctx.call(fn('kallsyms_lookup_name'), ctx.str('flush_tlb_all'))).toBe(0xffffffff8108b490n);
    expect(ctx.call(fn('kallsyms_lookup_name'), ctx.str('no_such_symbol'))).toBe(0n);
    const { ctx: c2, fn: f2 } = setup();
    expect(c2.call(f2('kallsyms_lookup_name'), c2.str('flush_tlb_all'))).toBe('not-modelled');
  });

  it('register_kprobe says -EINVAL where check_kprobe_address_safe() refuses, after filling kp.addr', () => {
    const blacklisted = 0xffffffff81c00990n;
    const { ctx, fn } = setup(
      new KernelCallState({
        lookupSymbol: (n) => (n === 'asm_exc_divide_error' ? blacklisted : null),
        kprobeCheck: (a) => (a === blacklisted ? 'asm_exc_divide_error is in the kprobe blacklist' : null),
      }),
    );
    const kp = 0xffffffffc0373000n;
    ctx.map(kp, 128);
    writeU64(ctx.mem, kp + 48n, ctx.str('asm_exc_divide_error'));
    expect(ctx.call(fn('register_kprobe'), kp)).toBe(neg(-22));
    expect(readU64(ctx.mem, kp + 40n)).toBe(blacklisted);
  });

  it('pointer-returning registrations hand out distinct non-NULL handles', () => {
    const { ctx, fn } = setup();
    const wq = ctx.call(fn('alloc_workqueue'), ctx.str('my_wq%d'), 0n, 0n, 3n) as bigint;
    const cls = ctx.call(fn('__class_create'), 0n, ctx.str('myclass'), 0n) as bigint;
    const pde = ctx.call(fn('proc_create'), ctx.str('hello'), 0o444n, 0n, 0n) as bigint;
    expect(new Set([wq, cls, pde]).size).toBe(3);
    expect([wq, cls, pde].every((h) => h > 0x1000n)).toBe(true);
    expect(ctx.notes.join('\n')).toContain("alloc_workqueue 'my_wq3'");
    ctx.call(fn('destroy_workqueue'), wq);
    expect(ctx.freed).toEqual([wq]);
  });

  it('register_filesystem refuses a duplicate name', () => {
    const { ctx, fn } = setup();
    const fs = 0xffffffffc0374000n;
    ctx.map(fs, 64);
    writeU64(ctx.mem, fs, ctx.str('myfs'));
    expect(ctx.call(fn('register_filesystem'), fs)).toBe(0n);
    expect(ctx.call(fn('register_filesystem'), fs)).toBe(neg(-16));
  });
});

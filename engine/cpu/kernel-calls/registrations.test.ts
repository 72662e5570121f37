/** Registration models added from modscope init-all's most frequent not-modelled calls. */
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { readU64 } from './mem';
import { intSqrt } from './subsystems';

describe('registrations the corpus inits make', () => {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);
  const struct = (at: bigint, fields: bigint[]): bigint => {
    const b = new Uint8Array(fields.length * 8);
    fields.forEach((w, i) => {
      for (let j = 0; j < 8; j++) b[i * 8 + j] = Number((w >> BigInt(8 * j)) & 0xffn);
    });
    return ctx.poke(at, b);
  };

  it('driver_create_file names the attribute of struct driver_attribute', () => {
    const attr = struct(0xffffffffc0330000n, [ctx.str('new_id'), 0o200n]);
    expect(call('driver_create_file', 0xffffffffc0331000n, attr)).toBe(0n);
    expect(state.registrations.at(-1)).toEqual({ kind: 'driver attribute', name: 'new_id', address: attr });
  });

  it('rtnl_link_register reads the kind after the list_head', () => {
    const ops = struct(0xffffffffc0332000n, [0n, 0n, ctx.str('vxlan')]);
    expect(call('rtnl_link_register', ops)).toBe(0n);
    expect(ctx.notes.at(-1)).toBe("rtnl_link_register 'vxlan': recorded, returns 0");
  });

  it('__register_nls and led_trigger_register read the name first in the struct', () => {
    expect(call('__register_nls', struct(0xffffffffc0333000n, [ctx.str('cp437')]), 0n)).toBe(0n);
    expect(state.registrations.at(-1)?.name).toBe('cp437');
    expect(call('led_trigger_register', struct(0xffffffffc0334000n, [ctx.str('rfkill-any')]))).toBe(0n);
    expect(state.registrations.at(-1)?.name).toBe('rfkill-any');
  });

  it("switchdev notifiers register (bridge's br_init), brioctl_set returns; rwlocks with irqsave give RFLAGS with IF", () => {
    expect(call('register_switchdev_notifier', 0xffffffffc0336000n)).toBe(0n);
    expect(state.registrations.at(-1)?.kind).toBe('switchdev notifier');
    expect(call('register_switchdev_blocking_notifier', 0xffffffffc0336100n)).toBe(0n);
    expect(call('brioctl_set', 0xffffffffc0001000n)).toBe(0n);
    expect((call('_raw_write_lock_irqsave', 0xffffffffc0336200n) as bigint) & 0x200n).toBe(0x200n);
    expect((call('_raw_read_lock_irqsave', 0xffffffffc0336200n) as bigint) & 0x200n).toBe(0x200n);
  });

  it('simple_pin_fs of a legacy filesystem (->mount, no init_fs_context) is not modelled; fs_context ones: vfs.test.ts', () => {
    const mnt = ctx.poke(0xffffffffc0338000n, new Uint8Array(16));
    // struct file_system_type { name, fs_flags, init_fs_context (NULL), parameters, mount, … }
    const type = struct(0xffffffffc0339000n, [ctx.str('legacyfs'), 0n, 0n, 0n, 0xffffffffc0339100n]);
    expect(call('simple_pin_fs', type, mnt, mnt + 8n)).toBe('not-modelled');
    expect(readU64(ctx.mem, mnt)).toBe(0n);
    expect(ctx.peek(mnt + 8n, 1)[0]).toBe(0);
  });

  it('uuid_gen and generate_random_uuid (lib/uuid.c) set version 4 and the DCE variant', () => {
    const u = ctx.poke(0xffffffffc0337000n, new Uint8Array(16).fill(0xff));
    call('uuid_gen', u);
    const b = ctx.peek(u, 16);
    expect(b[6] >> 4).toBe(4);
    expect(b[8] >> 6).toBe(2);
    call('generate_random_uuid', u);
    expect(ctx.peek(u, 16)[6] >> 4).toBe(4);
  });

  it('bus walks find nothing on the modelled machine', () => {
    expect(call('bus_for_each_drv', 0xffffffffc0335000n, 0n, 0n, 0xffffffffc0001000n)).toBe(0n);
    expect(ctx.notes.at(-1)).toMatch(/no other drivers on the bus/);
  });
});

describe('kernel services modules set up at init (kthread workers, the connector, ethtool phy ops)', () => {
  const state = new KernelCallState();
  const { ctx, call } = modelCaller(state);

  it('kthread_create_worker returns an initialised struct kthread_worker whose task is set; destroy frees both', () => {
    const w = call('kthread_create_worker', 0n, ctx.str('watchdogd')) as bigint;
    expect(readU64(ctx.mem, w + 8n)).toBe(w + 8n); // work_list empty
    expect(readU64(ctx.mem, w + 32n)).toBe(w + 24n); // delayed_work_list.prev
    const task = readU64(ctx.mem, w + 40n);
    expect(task).not.toBe(0n);
    expect(ctx.notes.at(-1)).toMatch(/kthread_create_worker 'watchdogd'/);
    expect(call('sched_set_fifo', task)).toBe(0n);
    expect(call('kthread_destroy_worker', w)).toBe(0n);
    expect(ctx.freed).toEqual(expect.arrayContaining([w, task]));
    expect(call('kthread_destroy_worker', w)).toBe('not-modelled');
  });

  it("cn_add_callback refuses cn_proc's id {1, 1} and a second registration of an id", () => {
    const procId = ctx.poke(0xffffffffc0370000n, Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0));
    expect(call('cn_add_callback', procId, ctx.str('cn_proc'), 0xffffffffc0001000n)).toBe(BigInt.asUintN(64, -22n));
    const w1 = ctx.poke(0xffffffffc0371000n, Uint8Array.of(3, 0, 0, 0, 1, 0, 0, 0)); // CN_W1_IDX, CN_W1_VAL
    expect(call('cn_add_callback', w1, ctx.str('w1'), 0xffffffffc0001000n)).toBe(0n);
    expect(call('cn_add_callback', w1, ctx.str('w1'), 0xffffffffc0001000n)).toBe(BigInt.asUintN(64, -22n));
    call('cn_del_callback', w1);
    expect(call('cn_add_callback', w1, ctx.str('w1'), 0xffffffffc0001000n)).toBe(0n);
  });

  it('ethtool_set_ethtool_phy_ops sets the pointer', () => {
    expect(call('ethtool_set_ethtool_phy_ops', 0xffffffffc0372000n)).toBe(0n);
    expect(state.ethtoolPhyOps).toBe(0xffffffffc0372000n);
  });
});

describe('small kernel helpers and sysfs mount points', () => {
  const { ctx, call } = modelCaller(new KernelCallState());

  it('int_sqrt is floor(sqrt(x)) for every size of unsigned long', () => {
    for (const x of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 1000000n, (1n << 62n) + 12345n, (1n << 64n) - 1n]) {
      const r = intSqrt(x);
      expect(r * r <= x && (r + 1n) * (r + 1n) > x).toBe(true);
    }
    expect(call('int_sqrt', 99n)).toBe(9n);
  });

  it('sysfs_create_mount_point makes a name once under a kobject; a NULL parent or a duplicate is not modelled', () => {
    const kobj = 0xffffffffc0380000n;
    expect(call('sysfs_create_mount_point', kobj, ctx.str('config'))).toBe(0n);
    expect(call('sysfs_create_mount_point', kobj, ctx.str('config'))).toBe('not-modelled');
    expect(call('sysfs_create_mount_point', 0n, ctx.str('config'))).toBe('not-modelled');
    call('sysfs_remove_mount_point', kobj, ctx.str('config'));
    expect(call('sysfs_create_mount_point', kobj, ctx.str('config'))).toBe(0n);
  });
});

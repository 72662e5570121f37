/**
 * kobject_uevent_env() (lib/kobject_uevent.c of 6.1) on the modelled machine. The kobject's kset gives the uevent ops;
 * for a device (drivers/base/core.c: device_initialize() puts dev->kobj in devices_kset, device_uevent_ops) the filter
 * passes a device with a bus, the subsystem is the bus name, and dev_uevent() adds the bus's keys — for the platform bus
 * platform_uevent()'s MODALIAS=platform:NAME (no OF node, no ACPI companion). The env (struct kobj_uevent_env, 2592
 * bytes, kzalloc'd) gets ACTION, DEVPATH (kobject_get_path()), SUBSYSTEM, the caller's keys, the kset's, then SEQNUM;
 * add_uevent_var() fails with -ENOMEM past 64 keys or 2048 bytes.
 *
 * Then kobject_uevent_net_broadcast(): the one NETLINK_KOBJECT_UEVENT socket of the machine has no listener (the busybox
 * initramfs runs no udev or mdev; /proc/net/netlink shows protocol 15 with groups 0), so nothing is sent and it returns
 * 0. Debian's config has no CONFIG_UEVENT_HELPER (no /sys/kernel/uevent_helper, no /proc/sys/kernel/hotplug): no helper
 * runs. Recorded in scripts/qemu/recordings/leds-uevent.qemu.json.
 *
 * The model knows a kobject's kset and path for the platform devices on its platform bus (platform.ts: a struct
 * platform_device whose dev.parent is platform_bus); other kobjects are not modelled.
 */
import type { KernelCallContext, KernelFunction } from '../types';
import { ENOENT, ENOMEM } from './errname';
import { readU32, readU64, ret, tryCString, writeU32 } from './mem';
import type { KernelCallState } from './state';
import { DEV, devName, PDEV } from './platform-device';

/** enum kobject_action → kobject_actions[]. */
const ACTIONS = ['add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind'];
const KOBJ_STATE = 60n;
const STATE_ADD_UEVENT_SENT = 1 << 2;
const STATE_REMOVE_UEVENT_SENT = 1 << 3;
const UEVENT_SUPPRESS = 1 << 4;
const UEVENT_NUM_ENVP = 64;
const UEVENT_BUFFER_SIZE = 2048;
const KOBJ_UEVENT_ENV_SIZE = 2592;

/** add_uevent_var(): each key takes its length + 1 in buf and one of envp's 64 slots (the last stays NULL). */
class UeventEnv {
  readonly keys: string[] = [];
  private used = 0;
  add(key: string): boolean {
    if (this.keys.length >= UEVENT_NUM_ENVP - 1 || this.used + key.length + 1 > UEVENT_BUFFER_SIZE) return false;
    this.keys.push(key);
    this.used += key.length + 1;
    return true;
  }
}

/** The devices_kset view of a platform device on the model's bus: its devpath (kobject_get_path()) and its device name. */
function platformDevice(ctx: KernelCallContext, s: KernelCallState, kobj: bigint): { path: string; name: string } | null {
  // struct device starts with its kobject. A struct platform_device platform.ts added: platform_device_add() made platform_bus its parent (/devices/platform).
  if (!s.platformDevices.has(kobj - PDEV.dev)) return null;
  // The parent platform_device_add() wrote (platformDeviceName(): platform_bus, 0 where the symbol is unknown).
  if (readU64(ctx.mem, kobj + DEV.parent) !== (s.options.lookupSymbol?.('platform_bus') ?? 0n)) return null;
  const name = devName(ctx, kobj);
  return name ? { path: `/devices/platform/${name}`, name } : null;
}

export function ueventFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // int kobject_uevent_env(struct kobject *kobj, enum kobject_action action, char *envp_ext[])
    kobject_uevent_env: (ctx) => {
      const kobj = ctx.arg(0);
      const action = ACTIONS[Number(ctx.arg(1) & 0xffffffffn)];
      const dev = platformDevice(ctx, s, kobj);
      if (dev === null || action === undefined) {
        ctx.note('kobject_uevent_env: a kobject whose kset and path the model does not know: not modelled');
        return 'not-modelled';
      }
      const state = readU32(ctx.mem, kobj + KOBJ_STATE);
      if (action === 'remove') writeU32(ctx.mem, kobj + KOBJ_STATE, state | STATE_REMOVE_UEVENT_SENT);
      if (state & UEVENT_SUPPRESS) {
        ctx.note(`kobject_uevent_env: uevent_suppress is set on ${dev.name}, the event is dropped; returns 0`);
        return 0n;
      }
      const caller: string[] = [];
      const envp = ctx.arg(2);
      for (let i = 0; envp !== 0n; i++) {
        const p = readU64(ctx.mem, envp + BigInt(i * 8));
        if (p === 0n) break;
        const key = tryCString(ctx, p, UEVENT_BUFFER_SIZE);
        if (key === null) return 'not-modelled';
        caller.push(key);
      }
      const env = ctx.kmalloc(KOBJ_UEVENT_ENV_SIZE, true, 'struct kobj_uevent_env');
      if (env === 0n) return ret(-ENOMEM);
      const devpath = ctx.kmalloc(dev.path.length + 1, false, 'kobject_get_path()');
      const e = new UeventEnv();
      const keys = [`ACTION=${action}`, `DEVPATH=${dev.path}`, 'SUBSYSTEM=platform', ...caller, `MODALIAS=platform:${baseName(dev.name)}`];
      // KOBJ_UNBIND: zap_modalias_env() takes MODALIAS out again before SEQNUM.
      const ok = devpath !== 0n && keys.every((k) => e.add(k)) && e.add('SEQNUM=n');
      ctx.kfree(devpath);
      ctx.kfree(env);
      if (devpath === 0n) return ret(-ENOENT);
      if (!ok) {
        ctx.note(`kobject_uevent_env: the env is full (add_uevent_var() "buffer size too small"), -ENOMEM`);
        return ret(-ENOMEM);
      }
      if (action === 'add') writeU32(ctx.mem, kobj + KOBJ_STATE, readU32(ctx.mem, kobj + KOBJ_STATE) | STATE_ADD_UEVENT_SENT);
      ctx.note(
        `kobject_uevent_env ${dev.name}: ${e.keys.slice(0, -1).join(' ')} SEQNUM=(next): no process listens on the uevent ` +
          'netlink socket and there is no uevent helper (CONFIG_UEVENT_HELPER unset), so nobody receives it; returns 0',
      );
      return 0n;
    },
  };
}

/** pdev->name: dev_name() without platform_device_add()'s ".id" suffix. */
function baseName(devName: string): string {
  return devName.replace(/\.\d+$/, '');
}

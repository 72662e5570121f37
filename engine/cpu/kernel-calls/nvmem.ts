/**
 * NVMEM providers (drivers/nvmem/core.c of 6.1). nvmem_register(config): ERR_PTR(-EINVAL) without config->dev
 * or without both reg_read and reg_write; otherwise a new struct nvmem_device (ida id, device on nvmem_bus_type,
 * named from config->name/id), its cells from config->cells, the machine's cell tables (none) and the device
 * tree (QEMU's PC has none), then device_add() and the NVMEM_ADD notifier: nothing printed. The model hands out
 * a zeroed struct; configs with cells, keep-outs or the compat (old EEPROM sysfs) file are not modelled.
 * struct nvmem_config: dev @0, name @8, cells @32, nkeepout @56, reg_read @88, reg_write @96, compat @136.
 */
import type { KernelFunction } from '../types';
import { EINVAL } from './errname';
import { readU32, readU64, ret, tryCString } from './mem';
import { hexU64 as hex } from '../../base/hex';
import type { KernelCallState } from './state';

const NVMEM_DEVICE_SIZE = 1024;

export function nvmemFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const devices = new Set<bigint>();
  return {
    nvmem_register: (ctx) => {
      const c = ctx.arg(0);
      if (readU64(ctx.mem, c) === 0n || (readU64(ctx.mem, c + 88n) === 0n && readU64(ctx.mem, c + 96n) === 0n)) return ret(-EINVAL);
      if (readU64(ctx.mem, c + 32n) !== 0n || readU32(ctx.mem, c + 56n) !== 0 || (readU32(ctx.mem, c + 136n) & 0xff) !== 0) return 'not-modelled';
      const name = tryCString(ctx, readU64(ctx.mem, c + 8n));
      const nvmem = ctx.kmalloc(NVMEM_DEVICE_SIZE, true, `nvmem_device${name ? ` '${name}'` : ''}`);
      devices.add(nvmem);
      s.registrations.push({ kind: 'nvmem device', name, address: nvmem });
      ctx.note(`nvmem_register${name ? ` '${name}'` : ''}: a new nvmem device ${hex(nvmem)} on nvmem_bus_type (no cells), returns it`);
      return nvmem;
    },
    // void nvmem_unregister(struct nvmem_device *nvmem): NULL is a no-op; the device goes when its last reference does.
    nvmem_unregister: (ctx) => {
      const n = ctx.arg(0);
      if (n === 0n) return 0n;
      if (!devices.delete(n)) return 'not-modelled';
      ctx.kfree(n);
      return 0n;
    },
  };
}

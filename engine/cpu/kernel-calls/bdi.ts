/**
 * Backing devices (mm/backing-dev.c of 6.1): bdi_alloc(), bdi_register(), bdi_unregister(), bdi_put().
 * mtd's init_mtd() makes its "mtd-0" this way (mtd_bdi_init()). struct backing_dev_info offsets are the
 * Debian 6.1.0-50 vmlinux's (BTF, 1120 bytes). Its embedded struct bdi_writeback (wb_init(): per-CPU
 * counters, work lists, timers) is not filled in by the model.
 */
import type { KernelFunction } from '../types';
import { bytesToText, readU64, writeU32, writeU64 } from './mem';
import { hexU64 } from '../../base/hex';
import type { KernelCallState } from './state';
import { formatAt, formatEnvFrom, registerArgs } from './vsnprintf';

const SIZEOF_BDI = 1120;
const BDI_LIST = 32n;
const RA_PAGES = 48n;
const IO_PAGES = 56n;
const REFCNT = 64n;
const CAPABILITIES = 68n;
const MAX_RATIO = 76n;
const MAX_PROP_FRAC = 80n;
const WB_LIST = 864n;
const WB_WAITQ_HEAD = 968n + 8n; // wait_queue_head_t { spinlock_t lock; struct list_head head; }
const DEV = 992n;
const DEV_NAME = 1000n;
const BDI_CAP_WRITEBACK = 1;
const BDI_CAP_WRITEBACK_ACCT = 2;
const FPROP_FRAC_BASE = 1 << 10;
/** SZ_128K / PAGE_SIZE (include/linux/pagemap.h). */
const VM_READAHEAD_PAGES = 32n;

export function bdiFunctions(s: KernelCallState): Record<string, KernelFunction> {
  return {
    // struct backing_dev_info *bdi_alloc(int node_id): kzalloc, bdi_init(), default capabilities and readahead.
    bdi_alloc: (ctx) => {
      const b = ctx.kmalloc(SIZEOF_BDI, true, 'struct backing_dev_info');
      writeU32(ctx.mem, b + REFCNT, 1);
      writeU32(ctx.mem, b + MAX_RATIO, 100);
      writeU32(ctx.mem, b + MAX_PROP_FRAC, FPROP_FRAC_BASE);
      for (const head of [BDI_LIST, WB_LIST, WB_WAITQ_HEAD]) {
        writeU64(ctx.mem, b + head, b + head);
        writeU64(ctx.mem, b + head + 8n, b + head);
      }
      writeU32(ctx.mem, b + CAPABILITIES, BDI_CAP_WRITEBACK | BDI_CAP_WRITEBACK_ACCT);
      writeU64(ctx.mem, b + RA_PAGES, VM_READAHEAD_PAGES);
      writeU64(ctx.mem, b + IO_PAGES, VM_READAHEAD_PAGES);
      s.bdis.set(b, null);
      ctx.note(`bdi_alloc: struct backing_dev_info at ${hexU64(b)} (its struct bdi_writeback is not filled in by the model)`);
      return b;
    },
    /**
     * int bdi_register(struct backing_dev_info *bdi, const char *fmt, ...): 0 at once when bdi->dev is set; else
     * the name goes into dev_name[64] and device_create(bdi_class, …, "%s") makes /sys/class/bdi/<name>. A name
     * already there fails in device_add() with sysfs_warn_dup()'s stack dump: not modelled.
     */
    bdi_register: (ctx) => {
      const b = ctx.arg(0);
      if (!s.bdis.has(b)) return 'not-modelled';
      if (readU64(ctx.mem, b + DEV) !== 0n) return 0n;
      const name = bytesToText(formatAt(formatEnvFrom(ctx, s.formatOptions()), ctx.arg(1), registerArgs(ctx, 2)).bytes).slice(0, 63);
      if ([...s.bdis.values()].includes(name)) return 'not-modelled';
      ctx.mem.write(b + DEV_NAME, Uint8Array.from([...name, '\0'].map((c) => c.charCodeAt(0) & 0xff)));
      const dev = ctx.kmalloc(1024, true, `struct device (bdi ${name})`);
      s.handles.set(dev, `device '${name}'`);
      writeU64(ctx.mem, b + DEV, dev);
      s.bdis.set(b, name);
      ctx.note(`bdi_register '${name}': /sys/class/bdi/${name}, device ${hexU64(dev)}; on bdi_list (its id is not modelled)`);
      return 0n;
    },
    // void bdi_unregister(struct backing_dev_info *bdi): off bdi_list, its device unregistered, bdi->dev = NULL.
    bdi_unregister: (ctx) => {
      const b = ctx.arg(0);
      if (!s.bdis.has(b)) return 'not-modelled';
      const dev = readU64(ctx.mem, b + DEV);
      if (dev !== 0n) {
        s.handles.delete(dev);
        ctx.kfree(dev);
        writeU64(ctx.mem, b + DEV, 0n);
      }
      s.bdis.set(b, null);
      return 0n;
    },
    // void bdi_put(struct backing_dev_info *bdi): kref_put(&bdi->refcnt, release_bdi) → kfree.
    bdi_put: (ctx) => {
      const b = ctx.arg(0);
      if (!s.bdis.has(b)) return 'not-modelled';
      const n = Number(readU64(ctx.mem, b + REFCNT) & 0xffffffffn) - 1;
      // release_bdi() WARNs if the bdi is still registered (bdi->dev set): that path is not modelled.
      if (n === 0 && readU64(ctx.mem, b + DEV) !== 0n) return 'not-modelled';
      writeU32(ctx.mem, b + REFCNT, n);
      if (n === 0) {
        s.bdis.delete(b);
        ctx.kfree(b);
      }
      return 0n;
    },
  };
}

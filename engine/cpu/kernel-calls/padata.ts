/**
 * padata instances (kernel/padata.c of 6.1). padata_alloc(name) kzallocs a struct padata_instance { hlist_node cpuhp_node;
 * parallel_wq @16; serial_wq @24; list_head pslist @32; struct padata_cpumask { pcpu, cbcpu } @48; validate_cpumask
 * @64; struct kobject kobj @72; struct mutex lock @136; u8 flags @168 } (176 bytes), makes its two workqueues
 * ("<name>_parallel", WQ_UNBOUND; "<name>_serial", WQ_MEM_RECLAIM | WQ_CPU_INTENSIVE, max_active 1), three cpumasks
 * (CONFIG_CPUMASK_OFFSTACK: kmalloc'ed, nr_cpumask_bits = nr_cpu_ids = 1 bit on the one-CPU machine; pcpu and cbcpu
 * copies of cpu_possible_mask, CPU 0), an empty pslist (padata_setup_cpumasks() then has no shell to update),
 * flags PADATA_INIT (__padata_start()), kobject_init(&kobj, &padata_attr_type) (kref 1, initialized), the mutex, and
 * adds the instance to the CPU hotplug state without calling it. Its queued work never runs in this model.
 * padata_free(pinst) is kobject_put(&pinst->kobj): the last reference frees the masks, workqueues and the instance
 * (padata_sysfs_release()).
 */
import type { KernelFunction } from '../types';
import { hexU64 } from '../../base/hex';
import { readU64, tryCString, writeU32, writeU64 } from './mem';
import type { KernelCallState } from './state';

const PINST_SIZE = 176;
const PINST = { parallelWq: 16n, serialWq: 24n, pslist: 32n, pcpu: 48n, cbcpu: 56n, validate: 64n, kobj: 72n, lock: 136n, flags: 168n };
/** struct kobject: entry @8, ktype @40, kref @56, state bits @60 (initialized 1). */
const KOBJ = { entry: 8n, ktype: 40n, kref: 56n, state: 60n };
/** struct mutex: owner, wait_lock @8, osq @12, wait_list @16. */
const MUTEX_WAIT_LIST = 16n;
const PADATA_INIT = 1;
/** A cpumask of nr_cpumask_bits (1) rounded up to longs: alloc_cpumask_var() kmallocs cpumask_size() = 8 bytes. */
const CPUMASK_BYTES = 8;
/** A zeroed struct workqueue_struct stand-in (the real one is ~ 320 bytes). */
const WQ_HANDLE = 512;

export function padataFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const instances = new Set<bigint>();
  return {
    // struct padata_instance *padata_alloc(const char *name)
    padata_alloc: (ctx) => {
      const name = tryCString(ctx, ctx.arg(0)) ?? '(null)';
      const p = ctx.kmalloc(PINST_SIZE, true, `padata_instance '${name}'`);
      const wq = (n: string): bigint => {
        const w = ctx.kmalloc(WQ_HANDLE, true, `workqueue '${n}'`);
        s.handles.set(w, `workqueue '${n}'`);
        return w;
      };
      writeU64(ctx.mem, p + PINST.parallelWq, wq(`${name}_parallel`));
      writeU64(ctx.mem, p + PINST.serialWq, wq(`${name}_serial`));
      for (const f of [PINST.pcpu, PINST.cbcpu, PINST.validate]) {
        const m = ctx.kmalloc(CPUMASK_BYTES, false, 'cpumask_var_t');
        writeU64(ctx.mem, m, f === PINST.validate ? 0n : 1n); // cpumask_copy(…, cpu_possible_mask): CPU 0
        writeU64(ctx.mem, p + f, m);
      }
      writeU64(ctx.mem, p + PINST.pslist, p + PINST.pslist);
      writeU64(ctx.mem, p + PINST.pslist + 8n, p + PINST.pslist);
      ctx.mem.write(p + PINST.flags, Uint8Array.of(PADATA_INIT));
      const kobj = p + PINST.kobj;
      writeU64(ctx.mem, kobj + KOBJ.entry, kobj + KOBJ.entry);
      writeU64(ctx.mem, kobj + KOBJ.entry + 8n, kobj + KOBJ.entry);
      writeU64(ctx.mem, kobj + KOBJ.ktype, s.options.lookupSymbol?.('padata_attr_type') ?? 0n);
      writeU32(ctx.mem, kobj + KOBJ.kref, 1);
      writeU32(ctx.mem, kobj + KOBJ.state, 1);
      const lock = p + PINST.lock;
      writeU64(ctx.mem, lock + MUTEX_WAIT_LIST, lock + MUTEX_WAIT_LIST);
      writeU64(ctx.mem, lock + MUTEX_WAIT_LIST + 8n, lock + MUTEX_WAIT_LIST);
      instances.add(p);
      s.handles.set(p, `padata_instance '${name}'`);
      ctx.note(
        `padata_alloc '${name}': instance ${hexU64(p)} with workqueues '${name}_parallel' and '${name}_serial' ` +
          '(their work never runs in this model), CPU 0 in its masks',
      );
      return p;
    },
    // void padata_free(struct padata_instance *pinst): kobject_put(&pinst->kobj); padata_sysfs_release() on the last.
    padata_free: (ctx) => {
      const p = ctx.arg(0);
      if (!instances.delete(p)) return 'not-modelled';
      for (const f of [PINST.pcpu, PINST.cbcpu, PINST.validate]) ctx.kfree(readU64(ctx.mem, p + f));
      for (const f of [PINST.parallelWq, PINST.serialWq]) {
        const w = readU64(ctx.mem, p + f);
        s.handles.delete(w);
        ctx.kfree(w);
      }
      s.handles.delete(p);
      ctx.kfree(p);
      ctx.note('padata_free: the last reference to the instance: its workqueues masks and the instance are freed');
      return 0n;
    },
  };
}

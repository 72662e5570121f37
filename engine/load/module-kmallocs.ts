/**
 * The small allocations a module holds besides its core and init regions, each tagged with the part
 * of the kernel that frees it: free_modinfo() the MODINFO_ATTR strings, module_unload_free() the
 * struct module_use entries, kfree(mod->args) the argument string, mod_sysfs_teardown() the sysfs
 * objects (kernel/module/main.c, kernel/module/sysfs.c, 6.1). Freed by tag, on the error path's labels
 * and by free_module() on unload.
 */
import type { ModelKernel } from '../kernel/model';
import type { Allocation } from '../machine/memory';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';

export type KmallocTag = 'args' | 'modinfo' | 'use' | 'sysfs';

const tags = new WeakMap<Allocation, { tag: KmallocTag; module: string }>();

/** kmalloc() for `module`, remembered under `tag`. */
export function moduleKmalloc(k: ModelKernel, module: string, tag: KmallocTag, size: number, label: string, pos: number): Allocation {
  const base = k.kmalloc(size, label, module, pos);
  const a = k.memory.live(base);
  if (!a) throw new Error(`kmalloc at ${hex64(base)} is not live`);
  tags.set(a, { tag, module });
  return a;
}

/** Remember an allocation made elsewhere (mod->args by strndup_user()) under `tag`. */
export function tagKmalloc(a: Allocation, module: string, tag: KmallocTag): void {
  tags.set(a, { tag, module });
}

/** kfree() every live allocation of `module` under `tag` (newest first, as the kernel undoes), with the effects. */
export function freeTagged(k: ModelKernel, module: string, tag: KmallocTag, pos: number): Effect[] {
  const effects: Effect[] = [];
  const all = k.memory.allocations;
  for (let i = all.length - 1; i >= 0; i--) {
    const a = all[i];
    const t = tags.get(a);
    if (!t || t.module !== module || t.tag !== tag || a.freedAt !== null) continue;
    k.memory.free(a, pos);
    effects.push({ kind: 'free', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
  }
  return effects;
}

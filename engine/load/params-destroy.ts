/**
 * module_destroy_params() (kernel/params.c, 6.1), called from load_module()'s coming_cleanup label and
 * from free_module(): the kmalloc'd charp values of the module's parameters are freed.
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import { kernelParamMemory } from './param-memory';
import { destroyParams, type ResolvedParam } from '../params/index';

/** Free the module's kmalloc'd parameter values; returns how many were freed. */
export function destroyModuleParams(k: ModelKernel, mod: LoadedModule, pos: number, effects: Effect[]): number {
  const resolved = mod.params.map((p) => p.resolved).filter((r): r is ResolvedParam => r !== null);
  if (!resolved.length || !mod.core || mod.core.freedAt !== null) return 0;
  const mem = kernelParamMemory(k, pos, mod.name);
  const before = new Map(k.memory.allocations.filter((a) => a.freedAt === null && a.kind === 'kmalloc').map((a) => [a.base, a]));
  const freed = destroyParams(resolved, mem, k.kmallocedParams);
  for (const v of freed) {
    const a = [...before.values()].find((x) => v >= x.base && v < x.base + BigInt(x.size));
    if (a) effects.push({ kind: 'free', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
  }
  return freed.length;
}

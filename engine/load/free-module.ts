/**
 * free_module() (kernel/module/main.c, 6.1): what rmmod and a failed init both end with. In the
 * kernel's order: mod_sysfs_teardown(), state UNFORMED, module_unload_free(), module_destroy_params(),
 * list_del_rcu() + mod_tree_remove(), then module_memfree() of init, kfree(mod->args),
 * percpu_modfree() and module_memfree() of the core (struct module lives in it, so it goes last).
 */
import type { ModelKernel } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import { putUses } from './error-labels';
import { freeTagged } from './module-kmallocs';
import { destroyModuleParams } from './params-destroy';

export function freeModule(k: ModelKernel, mod: LoadedModule, pos: number): Effect[] {
  const effects: Effect[] = [];
  const name = mod.name;
  effects.push(...freeTagged(k, name, 'sysfs', pos));
  if (mod.state !== 'UNFORMED') effects.push({ kind: 'state', module: name, from: mod.state, to: 'UNFORMED' });
  mod.state = 'UNFORMED';
  putUses({ k, mod }, effects);
  effects.push(...freeTagged(k, name, 'use', pos));
  destroyModuleParams(k, mod, pos, effects);
  k.removeModule(mod);
  effects.push({ kind: 'list', module: name, action: 'remove' });
  const region = (a: LoadedModule['core']): void => {
    if (!a || a.freedAt !== null) return;
    k.memory.free(a, pos);
    k.moduleFree(a.base);
    effects.push({ kind: 'free', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
  };
  region(mod.init);
  effects.push(...freeTagged(k, name, 'args', pos));
  effects.push(...freeTagged(k, name, 'modinfo', pos));
  if (mod.percpu !== null) k.percpuFree(mod.percpu);
  mod.percpu = null;
  region(mod.core);
  return effects;
}

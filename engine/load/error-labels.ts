/**
 * load_module()'s error path (kernel/module/main.c, 6.1): the goto labels in the kernel's order. A
 * failure jumps to the label that undoes the last thing done and falls through every label after it,
 * so work is undone in the reverse of the order it was done. The model records what it undoes as the
 * effects of one step.
 */
import type { Effect } from '../trace/types';
import { hex64 } from '../session/hex';
import type { LoadInfo } from './context';
import { releaseCopy } from './main-complete';
import { MAIN } from './step-text';

export const ERROR_LABELS = [
  'sysfs_cleanup',
  'coming_cleanup',
  'bug_cleanup',
  'ddebug_cleanup',
  'free_arch_cleanup',
  'free_modinfo',
  'free_unload',
  'unlink_mod',
  'free_module',
  'free_copy',
] as const;

export type ErrorLabel = (typeof ERROR_LABELS)[number];

/** What each label undoes in the model; labels whose work the model does not hold are empty. */
const UNDO: Record<ErrorLabel, (info: LoadInfo, effects: Effect[]) => void> = {
  // mod_sysfs_teardown(): /sys/module/<name> is derived from the module list, not held apart.
  sysfs_cleanup: () => {},
  // state GOING, module_destroy_params(), the GOING notifiers, klp_module_going(): nothing held.
  coming_cleanup: () => {},
  // module_bug_cleanup(): the model keeps no bug list.
  bug_cleanup: () => {},
  // ftrace_release_mod(), dynamic_debug_remove(), kfree(mod->args): the model keeps the args
  // allocation (a known gap: it is not freed here).
  ddebug_cleanup: () => {},
  // module_arch_cleanup(): nothing on x86-64.
  free_arch_cleanup: () => {},
  // free_modinfo(): the MODINFO_ATTR strings are read from the file, not held.
  free_modinfo: () => {},
  // module_unload_free(): drop the references taken on the modules this one uses.
  free_unload: (info, effects) => {
    const mod = info.mod;
    if (!mod) return;
    for (const u of mod.uses) {
      const t = info.k.findModule(u);
      if (t) {
        t.usedBy = t.usedBy.filter((n) => n !== mod.name);
        t.refcnt--;
        effects.push({ kind: 'ref', from: mod.name, to: u, action: 'put' });
      }
    }
  },
  // list_del_rcu(&mod->list), mod_tree_remove().
  unlink_mod: (info, effects) => {
    const mod = info.mod;
    if (!mod) return;
    info.k.removeModule(mod);
    effects.push({ kind: 'list', module: mod.name, action: 'remove' });
  },
  // module_deallocate(): module_memfree() of init, then core.
  free_module: (info, effects) => {
    const { k, rec } = info;
    for (const a of [info.init, info.core]) {
      if (a && a.freedAt === null) {
        k.memory.free(a, rec.pos);
        k.moduleFree(a.base);
        effects.push({ kind: 'free', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
      }
    }
  },
  // free_copy(): the temporary image, unless the load got as far as freeing it.
  free_copy: (info, effects) => {
    const freed = releaseCopy(info);
    if (freed) effects.push(freed);
  },
};

/** `goto <from>`: run that label and every one after it, record the failure, return err. */
export function unwindLoad(info: LoadInfo, err: number, from: ErrorLabel): number {
  const effects: Effect[] = [];
  for (const label of ERROR_LABELS.slice(ERROR_LABELS.indexOf(from))) UNDO[label](info, effects);
  info.rec.step({
    phase: 'result',
    fn: 'load_module',
    file: MAIN,
    title: `The load fails: ${err}`,
    text: `Everything done so far is undone in reverse order (free_module, free_copy) and the syscall returns ${err}.`,
    effects,
    errno: err,
  });
  return err;
}

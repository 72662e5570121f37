/**
 * load_module()'s error path (kernel/module/main.c, 6.1): the goto labels in the kernel's order. A
 * failure jumps to the label that undoes the last thing done and falls through every label after it,
 * so work is undone in the reverse of the order it was done. Each label the jump runs is one step,
 * with what it frees as its effects; the last step is the syscall's return.
 */
import type { Effect } from '../trace/types';
import { hex64 } from '../base/hex';
import type { LoadInfo } from './context';
import { errnoName } from './errno';
import { releaseCopy } from './main-complete';
import { freeTagged } from './module-kmallocs';
import { destroyModuleParams } from './params-destroy';
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

/** What the kernel does at each label, in its words. */
const CALLS: Record<ErrorLabel, string> = {
  sysfs_cleanup: 'mod_sysfs_teardown()',
  coming_cleanup: 'state GOING, module_destroy_params(), the MODULE_STATE_GOING notifiers, klp_module_going()',
  bug_cleanup: 'state GOING, module_bug_cleanup()',
  ddebug_cleanup: 'ftrace_release_mod(), dynamic_debug_remove(), synchronize_rcu(), kfree(mod->args)',
  free_arch_cleanup: 'module_arch_cleanup()',
  free_modinfo: 'free_modinfo()',
  free_unload: 'module_unload_free()',
  unlink_mod: 'list_del_rcu(&mod->list), mod_tree_remove(), wake_up_all(&module_wq), synchronize_rcu()',
  free_module: 'lockdep_free_key_range(), module_deallocate()',
  free_copy: 'free_copy(): vfree(info->hdr)',
};

/** What each label undoes in the model: its effects and a sentence saying what it freed. */
const UNDO: Record<ErrorLabel, (info: LoadInfo, effects: Effect[]) => string> = {
  // mod_sysfs_teardown(): usage links, modinfo attributes, parameters/, holders/, notes/, sections/, the kobject.
  sysfs_cleanup: (info, effects) => {
    const mod = info.mod;
    if (!mod) return 'nothing: no module';
    effects.push(...freeTagged(info.k, mod.name, 'sysfs', info.rec.pos));
    return `/sys/module/${mod.name} and everything under it are removed`;
  },
  coming_cleanup: (info, effects) => goingState(info, effects) + destroyParamsText(info, effects),
  bug_cleanup: (info, effects) => goingState(info, effects) + 'the module leaves the bug-table list',
  ddebug_cleanup: (info, effects) => {
    const mod = info.mod;
    if (!mod) return '';
    const freed = freeTagged(info.k, mod.name, 'args', info.rec.pos);
    effects.push(...freed);
    return freed.length ? `mod->args ("${info.args}") is freed` : 'no argument string was kept';
  },
  // module_arch_cleanup(): x86-64 has none (the __weak empty one).
  free_arch_cleanup: () => 'x86-64 has nothing to clean up',
  free_modinfo: (info, effects) => {
    const mod = info.mod;
    if (!mod) return '';
    const freed = freeTagged(info.k, mod.name, 'modinfo', info.rec.pos);
    effects.push(...freed);
    return freed.length
      ? `the kstrdup'd ${freed.map((f) => (f.kind === 'free' ? f.label.split(': ')[1] : '')).join(' and ')} are freed`
      : 'no version strings';
  },
  // module_unload_free(): drop the references taken on the modules this one uses and free each struct module_use.
  free_unload: (info, effects) => {
    const mod = info.mod;
    if (!mod) return '';
    const dropped = putUses(info, effects);
    effects.push(...freeTagged(info.k, mod.name, 'use', info.rec.pos));
    return dropped.length ? `the references on ${dropped.join(', ')} are dropped` : 'it uses no other module';
  },
  unlink_mod: (info, effects) => {
    const mod = info.mod;
    if (!mod) return '';
    info.k.removeModule(mod);
    effects.push({ kind: 'list', module: mod.name, action: 'remove' });
    return `${mod.name} leaves the module list; a second insmod waiting on module_wq may go on`;
  },
  // module_deallocate(): percpu_modfree(), module_memfree() of init, then core.
  free_module: (info, effects) => {
    const { k, rec } = info;
    const parts: string[] = [];
    const mod = info.mod;
    if (mod && mod.percpu !== null) {
      k.percpuFree(mod.percpu);
      parts.push(`${mod.percpuSize} bytes of per-CPU data`);
      mod.percpu = null;
    }
    for (const a of [info.init, info.core]) {
      if (a && a.freedAt === null) {
        k.memory.free(a, rec.pos);
        k.moduleFree(a.base);
        effects.push({ kind: 'free', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
        parts.push(`${a === info.init ? 'init' : 'core'} (${a.size} bytes at ${hex64(a.base)})`);
      }
    }
    return parts.length ? `freed: ${parts.join(', ')}` : 'nothing was allocated';
  },
  free_copy: (info, effects) => {
    const freed = releaseCopy(info);
    if (freed) effects.push(freed);
    return freed && freed.kind === 'free' ? `the ${freed.size}-byte temporary copy at ${freed.base} is freed` : 'the copy was already freed';
  },
};

function goingState(info: LoadInfo, effects: Effect[]): string {
  const mod = info.mod;
  if (!mod || mod.state === 'GOING') return '';
  effects.push({ kind: 'state', module: mod.name, from: mod.state, to: 'GOING' });
  mod.state = 'GOING';
  return 'state MODULE_STATE_GOING; ';
}

function destroyParamsText(info: LoadInfo, effects: Effect[]): string {
  const mod = info.mod;
  if (!mod) return '';
  const freed = destroyModuleParams(info.k, mod, info.rec.pos, effects);
  return freed ? `${freed} kmalloc'd parameter value${freed === 1 ? '' : 's'} freed` : 'no parameter value to free';
}

/** module_unload_free(): drop this module from each used module's source_list and put the reference. */
export function putUses(info: Pick<LoadInfo, 'k' | 'mod'>, effects: Effect[]): string[] {
  const mod = info.mod;
  if (!mod) return [];
  const dropped: string[] = [];
  for (const u of mod.uses) {
    const t = info.k.findModule(u);
    if (t) {
      t.usedBy = t.usedBy.filter((n) => n !== mod.name);
      t.refcnt--;
      effects.push({ kind: 'ref', from: mod.name, to: u, action: 'put' });
      dropped.push(u);
    }
  }
  mod.uses = [];
  return dropped;
}

/** `goto <from>`: run that label and every one after it, each as a step, record the failure, return err. */
export function unwindLoad(info: LoadInfo, err: number, from: ErrorLabel): number {
  const labels = ERROR_LABELS.slice(ERROR_LABELS.indexOf(from));
  for (const label of labels) {
    const effects: Effect[] = [];
    const what = UNDO[label](info, effects);
    info.rec.step({
      phase: 'result',
      fn: 'load_module',
      file: MAIN,
      title: label === from ? `goto ${label}` : `${label}:`,
      text: `${label}: ${CALLS[label]}${what ? ` — ${what}` : ''}.`,
      effects,
    });
  }
  info.rec.step({
    phase: 'result',
    fn: 'load_module',
    file: MAIN,
    title: `The load fails: ${err}`,
    text:
      `Everything done so far was undone in reverse order (${labels.join(' → ')}) and the syscall returns ${err}` +
      `${errnoName(-err) ? ` (${errnoName(-err)})` : ''}.`,
    errno: err,
  });
  return err;
}

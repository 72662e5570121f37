/**
 * complete_formation(), prepare_coming_module() and free_copy() of load_module()
 * (kernel/module/main.c, 6.1): the module becomes visible as COMING and the temporary copy goes.
 */
import { KERN_ERR } from '../kernel/log';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import type { LoadInfo } from './context';
import { ENOEXEC } from './errno';
import { hx, MAIN } from './step-text';
import { jumpLabelAddModule } from './jump-label-module';
import { layoutBytes, MODULE_STATE, STRUCT_MODULE, u32, u64, writeField } from './struct-module';

/** verify_exported_symbols(): no export may clash with one already on the list. */
export function verifyExportedSymbols(info: LoadInfo): number {
  const { k, rec } = info;
  const mod = info.module;
  for (const e of mod.exports) {
    const owner = k.exportOwner(e.name, mod);
    if (owner !== null) {
      rec.printk(KERN_ERR, `${mod.name}: exports duplicate symbol ${e.name} (owned by ${owner})`);
      rec.step({
        phase: 'formation',
        fn: 'verify_exported_symbols',
        file: MAIN,
        title: 'Duplicate export',
        text: `${e.name} is already exported by ${owner}: -ENOEXEC.`,
        errno: -ENOEXEC,
      });
      return -ENOEXEC;
    }
  }
  return 0;
}

/** complete_formation(): exports checked and indexed, page permissions set, state COMING. */
export function completeFormation(info: LoadInfo): number {
  const { k, rec } = info;
  const mod = info.module;
  const lay = info.layout;
  const err = verifyExportedSymbols(info);
  if (err) return err;
  k.indexExports(mod);
  const { core, init } = info;
  if (core)
    writeField(
      info,
      STRUCT_MODULE.coreLayout,
      layoutBytes(core.base, lay.core.size, lay.core.textSize, lay.core.roSize, lay.core.roAfterInitSize),
      'core_layout',
    );
  if (init)
    writeField(
      info,
      STRUCT_MODULE.initLayout,
      layoutBytes(init.base, lay.init.size, lay.init.textSize, lay.init.roSize, lay.init.roAfterInitSize),
      'init_layout',
    );
  mod.state = 'COMING';
  writeField(info, STRUCT_MODULE.state, u32(MODULE_STATE.COMING), 'state = MODULE_STATE_COMING');
  writeField(info, STRUCT_MODULE.taints, u64(BigInt(mod.taints)), 'taints');
  rec.step({
    phase: 'formation',
    fn: 'complete_formation',
    file: MAIN,
    title: 'Formed: MODULE_STATE_COMING',
    text:
      (mod.exports.length ? `Its ${mod.exports.length} exports clash with nothing already loaded. ` : '') +
      `Page permissions are set: text [${hx(core?.base ?? 0n)}, +${hx(BigInt(lay.core.textSize))}) read-only and executable, ` +
      'rodata read-only, data non-executable. The module is now visible (state COMING): others can see its exports.',
    effects: [{ kind: 'state', module: mod.name, from: 'UNFORMED', to: 'COMING' }],
  });
  return 0;
}

/** prepare_coming_module(): ftrace, livepatch and the MODULE_STATE_COMING notifier chain. */
export function prepareComingModule(info: LoadInfo): number {
  // What if…: a COMING notifier returns notifier_from_errno(-ENOMEM) (blocking_notifier_call_chain_robust()
  // then runs the GOING notifiers for those already told) and load_module() jumps to bug_cleanup.
  const fault = info.fault.call('prepare_coming_module');
  if (fault) {
    info.rec.step({
      phase: 'formation',
      fn: 'prepare_coming_module',
      file: MAIN,
      title: 'A COMING notifier objects',
      text: `A MODULE_STATE_COMING notifier fails with ${fault} (what if…: a fault put here); the notifiers already called are told GOING.`,
      errno: fault,
    });
    return fault;
  }
  info.rec.step({
    phase: 'formation',
    fn: 'prepare_coming_module',
    file: MAIN,
    title: 'COMING notifiers',
    text: 'ftrace enables its call sites, livepatch is told, and the MODULE_STATE_COMING notifier chain runs (nothing objects).',
  });
  // The chain's jump_label_module_notify(): sites of keys other modules already switched.
  jumpLabelAddModule(info);
  return 0;
}

/** Free the temporary copy (vfree(info->hdr)); the effect, or null when it is already gone. */
export function releaseCopy(info: LoadInfo): Effect | null {
  const { k, rec } = info;
  if (info.tempFreed) return null;
  const temp = k.memory.live(info.tempBase);
  info.tempFreed = true;
  if (!temp) return null;
  k.memory.free(temp, rec.pos);
  k.vmallocFree(info.tempBase);
  return { kind: 'free', allocation: temp.id, base: hex64(temp.base), size: temp.size, label: temp.label };
}

/** free_copy(): the file image is no longer needed once the module is formed. */
export function freeCopy(info: LoadInfo): void {
  const freed = releaseCopy(info);
  info.rec.step({
    phase: 'formation',
    fn: 'free_copy',
    file: MAIN,
    title: 'The temporary copy is freed',
    text: `The vmalloc'd file image at ${hx(info.tempBase)} is no longer needed.`,
    effects: freed ? [freed] : [],
  });
}

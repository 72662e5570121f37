/**
 * mod_sysfs_setup() (kernel/module/sysfs.c, 6.1): /sys/module/<name> and its files appear. The
 * allocations it makes are kept (tagged 'sysfs', freed by mod_sysfs_teardown() at the sysfs_cleanup
 * label or by free_module()); a what-if fault in one of them unwinds what mod_sysfs_setup() did
 * itself (its out_unreg_* labels) and returns -ENOMEM, and load_module() jumps to coming_cleanup.
 */
import { SHF_ALLOC, SHT_NOTE } from '../elf/constants';
import { KERN_ERR } from '../kernel/log';
import { hex64 } from '../base/hex';
import type { Effect } from '../trace/types';
import type { LoadInfo } from './context';
import { ENOMEM } from './errno';
import type { AllocSiteId } from './fault-sites';
import { freeTagged, moduleKmalloc } from './module-kmallocs';

const SYSFS_C = 'kernel/module/sysfs.c';

/** sizeof(struct module_attribute) × (modinfo_attrs_count + 1): uevent, version, srcversion, initstate, coresize, initsize, taint, refcnt. */
const MODINFO_ATTRS_SIZE = 56 * 9;

export function modSysfsSetup(info: LoadInfo): number {
  const { k, rec, elf } = info;
  const mod = info.module;
  const name = mod.name;
  const fault = info.fault.call('mod_sysfs_setup');
  if (fault) return sysfsFails(info, 'mod_sysfs_setup', [], fault, 'mod_sysfs_setup() fails before it does anything');
  // sect_empty(): not SHF_ALLOC (as the loader left the flags: .data..percpu lost it) or empty.
  const loaded = elf.sections.filter((s) => s.index > 0 && info.secs[s.index].flags & SHF_ALLOC && s.size > 0);
  const notes = loaded.filter((s) => s.type === SHT_NOTE).length;
  const visible = mod.params.filter((p) => p.perm !== 0);
  const effects: Effect[] = [];
  const done: string[] = [];
  const step = (id: AllocSiteId, allocator: string, what: string, size: number, label: string, errs: boolean): boolean => {
    if (info.fault.alloc(id, id === 'holders' || id === 'mod_sysfs_init' ? 'mod_sysfs_setup' : id, allocator, what, size, errs ? -ENOMEM : 0))
      return false;
    const a = moduleKmalloc(k, name, 'sysfs', Math.max(size, 8), `${name}: ${label}`, rec.pos);
    effects.push({ kind: 'alloc', allocation: a.id, base: hex64(a.base), size: a.size, label: a.label });
    done.push(label);
    return true;
  };
  // mod_sysfs_init(): kobject_init_and_add(&mod->mkobj.kobj, …, "%s", mod->name) — the name is kvasprintf'd.
  if (!step('mod_sysfs_init', 'kvasprintf_const', `/sys/module/${name}`, name.length + 1, `kobject /sys/module/${name}`, true)) {
    // kobject_add_varg() (lib/kobject.c): kobject_set_name_vargs() failed.
    rec.printk(KERN_ERR, 'kobject: can not set name properly!');
    return sysfsFails(
      info,
      'mod_sysfs_init',
      effects,
      -ENOMEM,
      `the kobject's name cannot be allocated: kobject_init_and_add() fails, mod_sysfs_init() puts the kobject`,
    );
  }
  // kobject_create_and_add("holders", …): kzalloc(sizeof(struct kobject)).
  if (!step('holders', 'kobject_create_and_add', `/sys/module/${name}/holders`, 64, 'kobject holders/', true))
    return sysfsFails(info, 'holders', effects, -ENOMEM, 'kobject_create_and_add("holders") returns NULL: goto out_unreg');
  if (visible.length && !step('module_param_sysfs_setup', 'krealloc', `parameters/ (${visible.length})`, 0, 'parameters/ attribute group', true))
    return sysfsFails(info, 'module_param_sysfs_setup', effects, -ENOMEM, "add_sysfs_param()'s krealloc() fails: goto out_unreg_holders");
  if (!step('module_add_modinfo_attrs', 'kzalloc', 'modinfo attributes', MODINFO_ATTRS_SIZE, 'modinfo attributes', true))
    return sysfsFails(info, 'module_add_modinfo_attrs', effects, -ENOMEM, 'module_add_modinfo_attrs() returns -ENOMEM: goto out_unreg_param');
  // add_usage_links(): symlinks in the holders/ of each module this one uses (kernfs nodes, not modelled as allocations).
  // add_sect_attrs(): ALIGN(sizeof(struct module_sect_attrs) + n × sizeof(struct module_sect_attr), 8) + (n + 1) pointers.
  const sectSize = ((48 + 72 * loaded.length + 7) & ~7) + (loaded.length + 1) * 8;
  const sections = step('add_sect_attrs', 'kzalloc', `sections/ (${loaded.length} files)`, sectSize, `sections/ (${loaded.length} files)`, false);
  // add_notes_attrs(): only when sections/ exists and there are SHT_NOTE sections; sizeof(struct module_notes_attrs) + n × bin_attribute.
  const notesOk =
    sections && notes > 0 ? step('add_notes_attrs', 'kcalloc', `notes/ (${notes})`, 16 + 64 * notes, `notes/ (${notes} files)`, false) : false;
  const params = visible.length
    ? `, and parameters/ with ${visible.map((p) => `${p.name} (${p.perm.toString(8).padStart(4, '0')})`).join(', ')}`
    : '';
  const lost = [!sections ? 'sections/' : '', sections && notes > 0 && !notesOk ? 'notes/' : ''].filter(Boolean);
  rec.step({
    phase: 'sysfs',
    fn: 'mod_sysfs_setup',
    file: SYSFS_C,
    title: `/sys/module/${name} appears`,
    text:
      `The directory gets coresize, initsize, initstate, refcnt, taint, holders/` +
      (sections ? `, sections/ (${loaded.length} files)` : '') +
      (notesOk ? ` and notes/` : '') +
      `${params}.` +
      (lost.length
        ? ` What if…: the allocation for ${lost.join(' and ')} failed; add_sect_attrs() and add_notes_attrs() return void, so the load goes on without it.`
        : ''),
    effects,
  });
  return 0;
}

/** mod_sysfs_setup()'s own unwinding (out_unreg_modinfo_attrs … out_unreg), then -ENOMEM to load_module(). */
function sysfsFails(info: LoadInfo, where: string, effects: Effect[], err: number, why: string): number {
  const { k, rec } = info;
  const name = info.module.name;
  const freed = freeTagged(k, name, 'sysfs', rec.pos);
  rec.step({
    phase: 'sysfs',
    fn: 'mod_sysfs_setup',
    file: SYSFS_C,
    title: `mod_sysfs_setup() fails at ${where}`,
    text:
      `${why} (what if…: a fault put here).` +
      (freed.length
        ? ` It undoes its own work first: ${freed.map((f) => (f.kind === 'free' ? f.label.split(': ')[1] : '')).join(', ')} freed.`
        : '') +
      ` It returns ${err}; load_module() jumps to coming_cleanup.`,
    effects: [...effects, ...freed],
    errno: err,
  });
  return err;
}

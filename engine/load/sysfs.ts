/** mod_sysfs_setup() (kernel/module/sysfs.c, 6.1): /sys/module/<name> and its files appear. */
import type { LoadInfo } from './context';

export function modSysfsSetup(info: LoadInfo): number {
  const mod = info.module;
  const name = mod.name;
  const visible = mod.params.filter((p) => p.perm !== 0);
  const params = visible.length
    ? `, and parameters/ with ${visible.map((p) => `${p.name} (${p.perm.toString(8).padStart(4, '0')})`).join(', ')}`
    : '';
  info.rec.step({
    phase: 'sysfs',
    fn: 'mod_sysfs_setup',
    file: 'kernel/module/sysfs.c',
    title: `/sys/module/${name} appears`,
    text: `The directory gets coresize, initsize, initstate, refcnt, taint, holders/, sections/ (${mod.sections.length} files) and notes/${params}.`,
  });
  return 0;
}

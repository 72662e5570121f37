/** module_enforce_rwx_sections() (kernel/module/strict_rwx.c, 6.1): no section may be both writable and executable. */
import { SHF_EXECINSTR, SHF_WRITE } from '../elf/constants';
import { KERN_ERR } from '../kernel/log';
import type { LoadInfo } from './context';
import { ENOEXEC } from './errno';

export function moduleEnforceRwxSections(info: LoadInfo): number {
  const { rec, elf } = info;
  for (const s of elf.sections) {
    const f = info.secs[s.index].flags;
    if (f & SHF_WRITE && f & SHF_EXECINSTR) {
      rec.printk(KERN_ERR, `${info.modName}: section ${s.name} (index ${s.index}) has invalid WRITE|EXEC flags`);
      rec.step({
        phase: 'layout',
        fn: 'module_enforce_rwx_sections',
        file: 'kernel/module/strict_rwx.c',
        title: 'Writable and executable section',
        text: `Section ${s.name} is both writable and executable, which STRICT_MODULE_RWX forbids: -ENOEXEC.`,
        errno: -ENOEXEC,
      });
      return -ENOEXEC;
    }
  }
  return 0;
}

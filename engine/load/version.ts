/**
 * check_modstruct_version() (kernel/module/version.c, 6.1): the module's CRC for module_layout must
 * equal the kernel's, or struct module itself differs between them.
 */
import type { LoadInfo } from './context';
import { ENOEXEC } from './errno';
import { resolveEnvFor } from './resolve-env';
import { hx } from './step-text';
import { checkVersion } from './symbols';

const VERSION_C = 'kernel/module/version.c';

/** True when the module may go on; the caller turns false into -ENOEXEC, as load_module() does. */
export function checkModstructVersion(info: LoadInfo): boolean {
  const { k, rec } = info;
  const ml = k.findSymbol('module_layout', true);
  const kernelCrc = hx(BigInt(ml?.crc ?? 0));
  const r = checkVersion(resolveEnvFor(info, null), 'module_layout', ml?.crc ?? null, 0);
  if (!r.ok) {
    rec.step({
      phase: 'modinfo',
      fn: 'check_modstruct_version',
      file: VERSION_C,
      title: 'struct module layout disagrees',
      text:
        'This module was built against a different struct module: ' +
        `its module_layout CRC ${r.moduleCrc === null ? 'is missing' : hx(r.moduleCrc)} vs the kernel's ${kernelCrc}: -ENOEXEC.`,
      errno: -ENOEXEC,
    });
    return false;
  }
  rec.step({
    phase: 'modinfo',
    fn: 'check_modstruct_version',
    file: VERSION_C,
    title: 'Same struct module as the kernel',
    text: info.index.vers
      ? `__versions lists module_layout with CRC ${r.moduleCrc === null ? '?' : hx(r.moduleCrc)}, equal to this kernel's (${kernelCrc}): ` +
        'the module was built against the same struct module.'
      : 'No __versions section: the check is forced (taint F) instead.',
  });
  return true;
}

/**
 * check_modinfo() (kernel/module/main.c, 6.1), the first thing layout_and_allocate() does: vermagic,
 * livepatch, intree, retpoline, staging, the licence and the test tag, with the taints they set.
 */
import { KERN_ERR, KERN_WARNING } from '../kernel/log';
import { TAINTS, taintBit } from '../kernel/taint';
import { isGplCompatible } from '../kmod/license';
import { MODULE_INIT_IGNORE_VERMAGIC } from '../kmod/constants';
import type { Effect } from '../trace/types';
import type { LoadInfo } from './context';
import { ENOEXEC } from './errno';
import { MAIN } from './step-text';
import { tryToForceLoad } from './symbols';

export function checkModinfo(info: LoadInfo): number {
  const { k, rec, facts } = info;
  const get = (key: string): string | null => facts.modinfo.find((e) => e.key === key)?.value ?? null;
  const name = info.modName;
  // The model starts the module's own taint mask here (what add_taint_module() sets on info->mod).
  const tmpTaints = { v: 0 };
  info.pendingTaints = tmpTaints;
  const addTaint = (letter: string): void => {
    k.addTaint(letter, rec.pos);
    tmpTaints.v |= taintBit(letter);
  };
  const kernelTainted = (l: string): boolean => (k.taints & taintBit(l)) !== 0;
  const notes: string[] = [];
  let modmagic = get('vermagic');
  if (info.flags & MODULE_INIT_IGNORE_VERMAGIC) modmagic = null;
  if (modmagic === null) {
    tryToForceLoad({ modName: name, kernelTainted, printk: (l, t) => rec.printk(l, t), addModuleTaint: (l) => addTaint(l) }, 'bad vermagic', 0);
    notes.push('no vermagic (or --force): forced, taint F');
  } else {
    const kernelMagic = k.profile.vermagic;
    // With modversions the release (up to the first space) may differ: same_magic() skips it.
    const strip = (s: string): string => (info.index.vers ? s.slice(s.indexOf(' ') < 0 ? s.length : s.indexOf(' ')) : s);
    if (strip(modmagic) !== strip(kernelMagic)) {
      rec.printk(KERN_ERR, `${info.infoName}: version magic '${modmagic}' should be '${kernelMagic}'`);
      rec.step({
        phase: 'modinfo',
        fn: 'check_modinfo',
        file: MAIN,
        title: 'vermagic mismatch',
        text:
          `The module's vermagic "${modmagic}" differs from the kernel's "${kernelMagic}"` +
          `${info.index.vers ? ' (after the release, which modversions lets differ)' : ''}: -ENOEXEC.`,
        errno: -ENOEXEC,
      });
      return -ENOEXEC;
    }
    notes.push(`vermagic "${modmagic.trim()}" matches${info.index.vers ? ' (the release part is not compared when __versions exists)' : ''}`);
  }
  if (get('livepatch')) {
    rec.printk(KERN_ERR, `${name}: module is marked as livepatch module, but livepatch support is disabled`);
  }
  if (!get('intree')) {
    if (!kernelTainted('O')) rec.printk(KERN_WARNING, `${name}: loading out-of-tree module taints kernel.`);
    addTaint('O');
    notes.push('no intree=Y: out-of-tree, taint O');
  }
  if (get('retpoline') === null) {
    // check_modinfo_retpoline() → retpoline_module_ok() (arch/x86/kernel/cpu/bugs.c): unless spectre_v2_enabled is
    // SPECTRE_V2_NONE it logs pr_err("System may be vulnerable to spectre v2") every time, then the module's warning.
    // On the recorded machine (QEMU's qemu64 CPU) the mitigation is on: whatif-module.qemu.json, sh-modinfo-flags.ko.
    rec.printk(KERN_ERR, 'Spectre V2 : System may be vulnerable to spectre v2');
    rec.printk(KERN_WARNING, `${name}: loading module not compiled with retpoline compiler.`);
    notes.push('not built with a retpoline compiler (no retpoline=Y): the kernel warns that it may be vulnerable to Spectre v2');
  }
  if (get('staging')) {
    addTaint('C');
    rec.printk(KERN_WARNING, `${name}: module is from the staging directory, the quality is unknown, you have been warned.`);
  }
  const license = get('license') ?? 'unspecified';
  if (!isGplCompatible(license)) {
    if (!kernelTainted('P')) rec.printk(KERN_WARNING, `${name}: module license '${license}' taints kernel.`);
    addTaint('P');
    notes.push(`license "${license}" is not GPL-compatible: taint P, GPL-only exports hidden`);
  } else notes.push(`license "${license}" is GPL-compatible`);
  if (get('test')) {
    if (!kernelTainted('N')) rec.printk(KERN_WARNING, `${name}: loading test module taints kernel.`);
    addTaint('N');
  }
  rec.step({
    phase: 'modinfo',
    fn: 'check_modinfo',
    file: MAIN,
    title: 'vermagic, origin and licence',
    text: notes.join('; ') + '.',
    effects: taintEffects(tmpTaints.v, name),
  });
  return 0;
}

/** One taint effect per bit set in mask, in bit order. */
export function taintEffects(mask: number, module: string): Effect[] {
  return TAINTS.filter((t) => mask & (1 << t.bit)).map((t): Effect => ({ kind: 'taint', letter: t.letter, module }));
}

/**
 * x86 extended CPU state (arch/x86/kernel/fpu/xstate.c of 6.1). cpu_has_xfeatures(needed, &name): 1 when
 * every xfeature bit asked for is in fpu_kernel_cfg.max_features, else 0; with a name pointer it names the
 * highest missing feature (or the highest asked for) from xfeature_names[]. The modelled qemu64 CPU has no
 * XSAVE (the machine's /proc/cpuinfo flags), so fpu__init_system_xstate() returned before setting
 * max_features: it is 0 and every feature is missing ("CPU feature 'AVX registers' is not supported.").
 * The name handed back is a copy of the vmlinux string (its .rodata is not in the model).
 */
import { MACHINE } from '../../machine/qemu-pc';
import type { KernelFunction } from '../types';
import { asciiBytes, writeU64 } from './mem';

const XFEATURE_NAMES = [
  'x87 floating point registers',
  'SSE registers',
  'AVX registers',
  'MPX bounds registers',
  'MPX CSR',
  'AVX-512 opmask',
  'AVX-512 Hi256',
  'AVX-512 ZMM_Hi256',
  'Processor Trace (unused)',
  'Protection Keys User registers',
  'PASID state',
  ...Array<string>(6).fill('unknown xstate feature'),
  'AMX Tile config',
  'AMX Tile data',
  'unknown xstate feature',
];

export function fpuXstateFunctions(): Record<string, KernelFunction> {
  const names = new Map<number, bigint>();
  return {
    // int cpu_has_xfeatures(u64 xfeatures_needed, const char **feature_name)
    cpu_has_xfeatures: (ctx) => {
      if ((MACHINE.cpuFlags as readonly string[]).includes('xsave')) return 'not-modelled';
      const maxFeatures = 0n;
      const needed = ctx.arg(0);
      const missing = needed & ~maxFeatures;
      if (ctx.arg(1) !== 0n) {
        const print = missing !== 0n ? missing : needed;
        const idx = Math.min(print.toString(2).length - 1, XFEATURE_NAMES.length - 1);
        let p = names.get(idx);
        if (p === undefined) {
          const text = XFEATURE_NAMES[Math.max(idx, 0)];
          p = ctx.kmalloc(text.length + 1, true, `xfeature_names[${idx}] "${text}"`);
          ctx.mem.write(p, asciiBytes(`${text}\0`));
          names.set(idx, p);
        }
        writeU64(ctx.mem, ctx.arg(1), p);
      }
      ctx.note(`cpu_has_xfeatures(0x${needed.toString(16)}): the qemu64 CPU has no XSAVE, so ${missing ? 'features are missing: 0' : '1'}`);
      return missing !== 0n ? 0n : 1n;
    },
  };
}

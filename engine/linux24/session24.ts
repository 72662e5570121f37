/**
 * The engine's side of the 2.4 model: boot it, describe it, load and unload opened modules the way
 * modutils 2.4 would. Timeline queries (steps, seek, memory, log) go to its ModelKernel (K.k), so the
 * views work unchanged.
 */
import type { KernelSummary } from '../api-types';
import type { Decoder } from '../cpu/types';
import type { KernelProfile } from '../kernel/profile';
import { START_KERNEL_MAP } from '../machine/address-space';
import { hex64 } from '../base/hex';
import type { OperationInfo } from '../trace/types';
import { insmod24 } from './insmod24';
import { Kernel24, MODULES_END_24, MODULES_VADDR_24 } from './kernel24';
import { rmmod24 } from './rmmod24';

export function boot24(profile: KernelProfile, decoder: Decoder | null): Kernel24 {
  return new Kernel24(profile, { decoder });
}

export function summary24(K: Kernel24): KernelSummary {
  const as = K.k.as;
  const regions = as.regions
    .filter((r) => r.name !== 'kernel text' && r.name !== 'modules')
    .map((r) => ({ name: r.name, start: hex64(r.start), end: hex64(r.end), what: r.what }));
  regions.push(
    {
      name: 'kernel text',
      start: hex64(START_KERNEL_MAP),
      end: hex64(MODULES_VADDR_24),
      what: "kernel text mapping (modelled with the 6.1 profile's symbol addresses)",
    },
    {
      name: 'modules',
      start: hex64(MODULES_VADDR_24),
      end: hex64(MODULES_END_24),
      what: '2.4 x86-64 module space (MODULES_VADDR..MODULES_END): create_module() reserves here',
    },
  );
  regions.sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
  return {
    version: '2.4',
    release: K.release,
    vermagic: '',
    paging: 4,
    kaslr: false,
    seed: null,
    kernelSlide: hex64(0n),
    moduleLoadOffset: hex64(0n),
    modulesStart: hex64(MODULES_VADDR_24),
    regions,
    exports: K.kernelSymbols().length,
  };
}

/** Split "count=3 whom=\"a b\"" into arguments (double quotes group, as the shell would). */
export function splitArgs(args: string): string[] {
  return (args.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((a) => a.replace(/"/g, ''));
}

/** kernel.load's flags on 2.4: bit 0 is insmod -f (load past a kernel version mismatch). */
export const INSMOD24_FORCE = 1;

/** insmod FILE ARGS on 2.4 (INSMOD24_FORCE: -f). */
export function load24(K: Kernel24, fileName: string, image: Uint8Array, args: string, flags: number): OperationInfo {
  return insmod24(K, { fileName, image, args: splitArgs(args), force: (flags & INSMOD24_FORCE) !== 0 }).op;
}

export function unload24(K: Kernel24, name: string): OperationInfo {
  return rmmod24(K, name).op;
}

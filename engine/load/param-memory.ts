/** The params engine's ParamMemory over the modelled kernel's memory, writing at one timeline position. */
import type { ModelKernel } from '../kernel/model';
import type { ParamMemory } from '../params/memory';

export function kernelParamMemory(k: ModelKernel, pos: number, owner: string): ParamMemory {
  return {
    read: (address, length) => k.memory.read(address, length),
    write: (address, bytes) => k.memory.write(address, bytes, pos, 'parameter value'),
    kmalloc: (length, why) => k.kmalloc(length, why, owner, pos),
    kfree: (address) => k.kfree(address, pos),
  };
}

// The one machine Modscope models and every recording runs on: QEMU's Standard PC (i440FX + PIIX,
// the `pc` machine type), no default devices, the qemu64 CPU under TCG, one CPU, 512 MiB of RAM.
// scripts/qemu/machine-facts.mjs records what Linux sees of it into samples/kernel/ (the name below
// is stored there too and is what the app shows next to the kernel's name).
export const QEMU_MACHINE_ARGS = ['-machine', 'pc', '-cpu', 'qemu64', '-smp', '1', '-m', '512M', '-nodefaults'];
export const MACHINE_MEMORY_MIB = 512;

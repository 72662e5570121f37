/** engine/machine: the modelled PC (QEMU's q35 as Debian boots it) and its memory. The public surface for hosts. */
export { MACHINE } from './qemu-pc';

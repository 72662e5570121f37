/** engine/linux24: the 2.4 path (modutils' insmod and 2.4's sys_* calls). The public surface for hosts. */
export { Kernel24 } from './kernel24';
export { insmod24 } from './insmod24';
export { runScript24 } from './shell24';

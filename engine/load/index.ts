/**
 * engine/load: 6.1's load and unload paths as step producers. The public surface for hosts (the CLI's
 * batch runs, tests): loadModule() is SYSCALL_DEFINE3(init_module) and load_module(); modprobe's plan.
 */
export { loadModule } from './load-module';
export { modprobePlan } from './modprobe';
export { computeDependencies, type DepInput } from './depmod';
export { EKEYREJECTED, errnoName, modStrerror } from './errno';
export { insmodTail } from './insmod-tail';
export { KERNEL_WRITTEN_RANGES } from './struct-module';
export type { AllocSite, FaultSpec } from './fault-sites';
/** en-US thousands grouping without ICU (what the load steps print with): for hosts printing counts next to them. */
export { thousands } from '../base/thousands';

// Entry bundled by scripts/bench/load.mjs: the modelled kernel, its load path and the timeline queries.
export { ModelKernel } from '../../engine/kernel/model';
export { parseProfile } from '../../engine/kernel/profile';
export { loadModule } from '../../engine/load/load-module';
export { modprobePlan } from '../../engine/load/modprobe';
export { seek, memoryAt } from '../../engine/kernel-session';
export { attachCpu } from '../../engine/cpu/attach';
export { createIcedDecoder } from '../../host-common/iced-decoder';

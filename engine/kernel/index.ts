/**
 * engine/kernel: the modelled 6.1 kernel (ModelKernel), its profile and log. The public surface for
 * hosts; engine folders may still import the files they need.
 */
export { ModelKernel } from './model';
export type { LoadedModule } from './module-record';
export { parseProfile, type KernelProfile } from './profile';
export { decodeProfileBinary, encodeProfileBinary, isProfileBinary } from './profile-binary';
export { formatTimestamp } from './log';

/** Models of the kernel functions modules call (Linux 6.1), for the CPU's kernel-call hook. */
export { kernelFunctionModels } from './registry';
export { findDynamicMajor, registerChrdevRegion } from './char-dev';
export { KernelCallState, type KernelCallOptions, type CacheInfo, type CharRegion, type Registration } from './state';
export {
  type ArgSource,
  type FormatEnv,
  type FormatOutput,
  type VsnprintfResult,
  VaListArgs,
  registerArgs,
  formatEnvFrom,
  formatBytes,
  formatAt,
  kvsnprintf,
  pointerHash,
  INT_MAX,
} from './vsnprintf';
export {
  type PrintkRecord,
  KERN_SOH,
  DEFAULT_MESSAGE_LOGLEVEL,
  LOG_LINE_MAX,
  LOGLEVEL_DEFAULT,
  printkGetLevel,
  printkParsePrefix,
  printkRecord,
  emitRecord,
  printkAt,
  printkText,
  devPrintk,
  panicWith,
  makePrintk,
  makeVprintk,
  makeDevPrintk,
  makeDevPrintkLevel,
  makeDevErrProbe,
  makeDynamicDebug,
  makeWarnPrintk,
  makePanic,
  makeStackChkFail,
} from './printk';
export * as memoryFns from './memory-fns';
export { memoryFunctions, printfFamily, kasprintf } from './memory-fns';
export { allocFunctions, kmallocModel, kfreeModel, GFP, ZERO_SIZE_PTR, KMALLOC_MAX_SIZE } from './alloc';
export { errname } from './errname';
export { bytesToText, readCStringBytes } from './mem';

/**
 * Module parameters at load time (Linux 6.1): splitting the argument string (next_arg), matching
 * and setting parameters (parse_args/parse_one and the standard kernel_param_ops), and reading
 * them back as sysfs shows them.
 */
export type { ParamMemory, ResolvedParam, ResolvedArray, ResolvedString } from './memory';
export { resolveParam, KERNEL_PARAM_SIZE, KERNEL_PARAM_FL_UNSAFE, KERNEL_PARAM_FL_HWPARAM } from './memory';
export type { Span, ArgToken } from './next-arg';
export { splitArgs } from './next-arg';
export { parameq } from './parameq';
export type { ParamEvent, ParamEventKind, ParseArgsOptions, ParseArgsResult, CustomSetter } from './parse-args';
export { parseArgs } from './parse-args';
export type { ModuleArgsOptions, ModuleArgsResult } from './module-args';
export { parseModuleArgs } from './module-args';
export type { KpView, SetOutcome, SetContext } from './set';
export { paramSet } from './set';
export type { GetOutcome } from './get';
export { paramGet } from './get';
export { destroyParams } from './free';
export { KmallocedParams } from './kmalloced';
export type { MemEffect } from './effects';
export type { LogLine } from './log';
export { errnoName, KERN_ERR, KERN_WARNING, KERN_NOTICE } from './log';
export { STANDARD_OPS, KERNEL_PARAM_OPS_FL_NOARG } from './ops';
export type { KstrtoxResult, KstrtoboolResult } from './kstrtox';
export { kstrtoull, kstrtoll, kstrtobool } from './kstrtox';
export { SimpleParamMemory } from './simple-memory';

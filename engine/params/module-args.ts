/**
 * How load_module() (kernel/module/main.c) parses a module's arguments:
 *
 *   mod->async_probe_requested = async_probe;      // module.async_probe, default false
 *   after_dashes = parse_args(mod->name, mod->args, mod->kp, mod->num_kp,
 *                             -32768, 32767, mod, unknown_module_param_cb);
 *   if (IS_ERR(after_dashes)) { err = PTR_ERR(after_dashes); goto coming_cleanup; }
 *   else if (after_dashes) pr_warn("%s: parameters '%s' after `--' ignored\n", mod->name, after_dashes);
 *
 * The `--` warning is load_module()'s pr_warn (KERN_WARNING), not parse_args()'s, and it prints
 * even when nothing follows the `--` (after_dashes then points at an empty string).
 */
import { bytesEqual, text } from './cstr';
import { kstrtobool } from './kstrtox';
import { ENOENT, KERN_WARNING, type LogLine } from './log';
import type { ParamMemory, ResolvedParam } from './memory';
import { type CustomSetter, parseArgs, type ParseArgsResult, type UnknownOutcome } from './parse-args';
import type { KmallocedParams } from './kmalloced';

const ASYNC_PROBE = Uint8Array.from('async_probe', (c) => c.charCodeAt(0));
const DYNDBG = Uint8Array.from('dyndbg', (c) => c.charCodeAt(0));

/**
 * ddebug_dyndbg_module_param_cb() (lib/dynamic_debug.c, CONFIG_DYNAMIC_DEBUG=y as on Debian):
 * a name with a '.' is split there into "<module>.<param>" — writing a NUL over the '.', which
 * also cuts the name the caller prints — and the part after it must be exactly "dyndbg".
 * A match runs ddebug_exec_queries(val ?: "+p", module) and returns 0; anything else -ENOENT.
 */
function dyndbgParamCb(
  param: Uint8Array,
  val: Uint8Array | null,
  modname: string,
): { ret: number; printedName: Uint8Array; query?: string; module?: string } {
  const dot = param.indexOf(0x2e);
  let name = param;
  let module = modname;
  let printedName = param;
  if (dot >= 0) {
    printedName = param.subarray(0, dot);
    module = text(printedName);
    name = param.subarray(dot + 1);
  }
  if (!bytesEqual(name, DYNDBG)) return { ret: -ENOENT, printedName };
  return { ret: 0, printedName, query: val === null ? '+p' : text(val), module };
}

/**
 * unknown_module_param_cb(): async_probe and dyndbg are taken; anything else is warned about and
 * ignored. It always returns 0, so an unknown name never fails a load.
 */
export function unknownModuleParam(state: {
  asyncProbeRequested: boolean;
}): (param: Uint8Array, val: Uint8Array | null, modname: string) => UnknownOutcome {
  return (param, val, modname) => {
    if (bytesEqual(param, ASYNC_PROBE)) {
      // "if (kstrtobool(val, &mod->async_probe_requested)) mod->async_probe_requested = true;"
      const r = kstrtobool(val);
      state.asyncProbeRequested = r.ok ? r.value : true;
      return { errno: 0, kind: 'async-probe', log: [], note: `async_probe_requested = ${state.asyncProbeRequested}` };
    }
    const d = dyndbgParamCb(param, val, modname);
    if (d.ret === 0) {
      return { errno: 0, kind: 'dyndbg', log: [], note: `dynamic debug query "${d.query}" for module ${d.module} (not executed here)` };
    }
    const log: LogLine[] = [{ level: KERN_WARNING, text: `${modname}: unknown parameter '${text(d.printedName)}' ignored` }];
    return { errno: 0, kind: 'unknown-ignored', log };
  };
}

export interface ModuleArgsOptions {
  /** The module.async_probe kernel parameter (default false): the starting async_probe_requested. */
  asyncProbeDefault?: boolean;
  kmalloced?: KmallocedParams;
  lockedDown?: boolean;
  comm?: string;
  custom?: CustomSetter;
}

export interface ModuleArgsResult extends ParseArgsResult {
  /** mod->async_probe_requested after parsing. */
  asyncProbeRequested: boolean;
  /** load_module() goes to coming_cleanup with this errno when parse_args() failed; 0 otherwise. */
  loadError: number;
}

/** Parse `args` for module `modName` the way load_module() does. */
export function parseModuleArgs(
  modName: string,
  args: string | Uint8Array,
  params: readonly ResolvedParam[],
  mem: ParamMemory,
  opts: ModuleArgsOptions = {},
): ModuleArgsResult {
  const state = { asyncProbeRequested: opts.asyncProbeDefault ?? false };
  const r = parseArgs(modName, args, params, mem, {
    minLevel: -32768,
    maxLevel: 32767,
    unknown: unknownModuleParam(state),
    kmalloced: opts.kmalloced,
    lockedDown: opts.lockedDown,
    comm: opts.comm,
    custom: opts.custom,
  });
  if (r.errno === 0 && r.afterDashes) {
    const line: LogLine = { level: KERN_WARNING, text: `${modName}: parameters '${r.afterDashes.text}' after \`--' ignored` };
    const ev = r.events[r.events.length - 1];
    if (ev?.kind === 'after-dashdash') ev.log.push(line);
    r.log.push(line);
  }
  return { ...r, asyncProbeRequested: state.asyncProbeRequested, loadError: r.errno };
}

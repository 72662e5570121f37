/**
 * What if…? faults in the kernel during load_module() (kernel/module/main.c, 6.1): `fail-alloc:N`
 * (the Nth allocation the load makes returns NULL), `fail-alloc:SITE` (the allocation at a named site),
 * `fail-alloc:list` (the sites this module's load reaches), and `fail:FUNCTION[:SYMBOL][=-ERRNO]`
 * (a function returns an error instead of doing its work). The module image is not changed.
 */
import { ElfError } from '../elf/errors';
import { ALLOC_SITE_IDS, ALLOC_SITES, FAIL_FUNCTIONS, type AllocSiteId, type FailFunction, type FaultSpec } from '../load/fault-sites';

export type Fault = { kind: 'list' } | { kind: 'spec'; spec: FaultSpec; change: string };

/** The fault names `modscope whatif --list` prints, with what each does. */
export const FAULT_HELP: readonly (readonly [string, string])[] = [
  ['fail-alloc:N', "the Nth allocation of load_module() returns NULL (numbered as 'fail-alloc:list' lists them for this module)"],
  ['fail-alloc:SITE', `the allocation at a named site returns NULL: ${ALLOC_SITE_IDS.join(', ')}`],
  ['fail-alloc:list', 'list the allocation sites this module’s load reaches, numbered, with each kernel function'],
  ['fail:FUNCTION[=-ERRNO]', `FUNCTION returns an error (default -ENOMEM): ${FAIL_FUNCTIONS.map((f) => f[0]).join(', ')}`],
  [
    'fail:simplify_symbols:SYMBOL',
    'resolve_symbol() of SYMBOL fails (-ENOMEM, as when ref_module() cannot allocate): "Unknown symbol SYMBOL (err -12)"',
  ],
];

function bad(message: string): never {
  throw new ElfError('BAD_MODULE_DATA', message, 0, 'fault');
}

/** True when `text` names a kernel fault rather than a change to the module. */
export function isFault(text: string): boolean {
  return text.startsWith('fail-alloc:') || text.startsWith('fail:');
}

/** Parse `fail-alloc:3`, `fail-alloc:module_alloc:init`, `fail:mod_sysfs_setup`, `fail:simplify_symbols:_printk=-12`. */
export function parseFault(text: string): Fault {
  if (text.startsWith('fail-alloc:')) {
    const arg = text.slice('fail-alloc:'.length);
    if (arg === 'list') return { kind: 'list' };
    if (/^\d+$/.test(arg)) {
      const n = Number(arg);
      if (n < 1) bad('fail-alloc:N counts from 1');
      return { kind: 'spec', spec: { kind: 'alloc', n }, change: `allocation #${n} of the load returns NULL` };
    }
    if (!(ALLOC_SITE_IDS as readonly string[]).includes(arg)) bad(`unknown allocation site "${arg}" (${ALLOC_SITE_IDS.join(', ')}, or a number)`);
    const id = arg as AllocSiteId;
    const [, allocator] = ALLOC_SITES.find((s) => s[0] === id) ?? [];
    return { kind: 'spec', spec: { kind: 'alloc', id }, change: `the ${allocator ?? 'allocation'} at ${id} returns NULL` };
  }
  if (!text.startsWith('fail:')) bad(`"${text}" is not a fault (fail-alloc:N, fail:FUNCTION)`);
  let arg = text.slice('fail:'.length);
  let errno: number | null = null;
  const eq = arg.indexOf('=');
  if (eq >= 0) {
    const v = arg.slice(eq + 1);
    if (!/^-\d+$/.test(v) || Number(v) === 0 || Number(v) < -4095) bad(`fail:…=${v}: the error must be a negative errno such as -12`);
    errno = Number(v);
    arg = arg.slice(0, eq);
  }
  const [fn, symbol] = arg.split(/:(.*)/s, 2);
  const known = FAIL_FUNCTIONS.find((f) => f[0] === fn);
  if (!known) bad(`fail: unknown function "${fn}" (${FAIL_FUNCTIONS.map((f) => f[0]).join(', ')})`);
  if (symbol !== undefined && fn !== 'simplify_symbols') bad(`only simplify_symbols takes a symbol (fail:simplify_symbols:SYMBOL)`);
  if (symbol === '') bad('fail:simplify_symbols: needs a symbol name after the colon');
  // Allocation failures are -ENOMEM by nature; the others return whatever error is asked for.
  if (errno !== null && !['simplify_symbols', 'prepare_coming_module', 'parse_args', 'mod_sysfs_setup'].includes(fn))
    bad(`fail:${fn} is an allocation failure: it always returns -ENOMEM`);
  const e = errno ?? known[1];
  const f = fn as FailFunction;
  const spec: FaultSpec = symbol !== undefined ? { kind: 'fn', fn: f, symbol, errno: e } : { kind: 'fn', fn: f, errno: e };
  const change = symbol !== undefined ? `resolve_symbol() of ${symbol} returns ${e}` : `${fn}() returns ${e}`;
  return { kind: 'spec', spec, change };
}

/**
 * simplify_symbols() of Linux 6.1 (kernel/module/main.c) with resolve_symbol(), check_version()
 * (kernel/module/version.c, Debian's variant) and verify_namespace_is_imported(): every symbol gets
 * its final value. Undefined ones are looked up among the kernel's and loaded modules' exports;
 * section-relative ones get their section's final address added. The loop never stops early:
 * every unresolved symbol prints its own line and the last error is returned.
 */
import { SHN_ABS, SHN_COMMON, SHN_LIVEPATCH, SHN_LORESERVE, SHN_UNDEF, STB_WEAK, symbolShndxName } from '../elf/constants';
import type { ElfSymbol } from '../elf/types';
import type { FoundSymbol } from '../kernel/model';
import type { LoadedModule } from '../kernel/module-record';
import type { StepBlock } from '../trace/timeline';
import type { SymbolDetail } from '../trace/types';
import { EBUSY, EINVAL, ENOENT, ENOEXEC } from './errno';

export type SymStatus = SymbolDetail['status'];

export interface ResolveEnv {
  modName: string;
  /** .modinfo name (info->name), used by check_version's messages. */
  infoName: string;
  /** !(mod->taints & TAINT_PROPRIETARY_MODULE) */
  gplok: () => boolean;
  find: (name: string, gplok: boolean) => FoundSymbol | null;
  /** __versions as name → crc; null when the module has none (or IGNORE_MODVERSIONS). */
  versions: Map<string, bigint> | null;
  importNs: string[];
  /** Final address of each section (sh_addr after move_module; temporary-copy address if not ALLOC). */
  sectionAddr: (index: number) => bigint;
  sectionCount: number;
  pcpuIndex: number;
  percpuBase: bigint;
  sectionName: (index: number) => string;
  /** Module taint bookkeeping (inherit_taint, try_to_force_load). */
  moduleTaints: () => number;
  addModuleTaint: (letter: string, item: number) => void;
  kernelTainted: (letter: string) => boolean;
  /** ref_module(): the module now uses owner; 0, or -ENOMEM when add_module_usage()'s kmalloc fails (a what-if fault). */
  refModule: (owner: LoadedModule) => number;
  /** What if…: the errno resolve_symbol() returns for this name instead of looking it up (0: look it up). */
  resolveFault?: (name: string) => number;
  /** resolve_symbol_wait() waited its 30 s (30 * HZ) for a COMING owner: advance the clock. */
  waited?: (seconds: number) => void;
  printk: (level: number, text: string, item: number) => void;
}

export interface SimplifyOutcome {
  block: SymbolBlock;
  errno: number;
  usingGplOnly: boolean;
}

/**
 * check_version(): true when the symbol may be used. Debian's kernel rejects a symbol missing from
 * __versions ("no symbol version for"), upstream 6.1 only warns once.
 */
export function checkVersion(env: ResolveEnv, symname: string, crc: number | null, item: number): { ok: boolean; moduleCrc: bigint | null } {
  if (crc === null) return { ok: true, moduleCrc: null };
  if (env.versions === null) {
    tryToForceLoad(env, symname, item);
    return { ok: true, moduleCrc: null };
  }
  const v = env.versions.get(symname);
  if (v === undefined) {
    env.printk(4, `${env.infoName}: no symbol version for ${symname}`, item);
    return { ok: false, moduleCrc: null };
  }
  if (v === BigInt(crc >>> 0)) return { ok: true, moduleCrc: v };
  env.printk(4, `${env.infoName}: disagrees about version of symbol ${symname}`, item);
  return { ok: false, moduleCrc: v };
}

/** try_to_force_load() with MODULE_FORCE_LOAD=y: warn once (while F is not set), taint F, go on. */
export function tryToForceLoad(env: Pick<ResolveEnv, 'modName' | 'kernelTainted' | 'printk' | 'addModuleTaint'>, reason: string, item: number): void {
  if (!env.kernelTainted('F')) env.printk(4, `${env.modName}: ${reason}: kernel tainted.`, item);
  env.addModuleTaint('F', item);
}

export function simplifySymbolBlock(symbols: ElfSymbol[], env: ResolveEnv): SimplifyOutcome {
  const n = symbols.length;
  const block = new SymbolBlock(symbols, env);
  let errno = 0;
  let usingGplOnly = false;
  // Each section's base as 32-bit halves, by index, filled on first use: most symbols are section offsets, and
  // value + base on halves spares the four BigInt operations per symbol of the general path.
  const baseLo: number[] = [];
  const baseHi: number[] = [];
  for (let i = 1; i < n; i++) {
    const s = symbols[i];
    const k = i - 1;
    const name = s.name;
    let value = s.value;
    const shndx = s.rawShndx === 0xffff ? s.shndx : s.rawShndx;
    switch (shndx) {
      case SHN_COMMON:
        if (name.startsWith('__gnu_lto')) {
          block.status[k] = 'skipped';
          break;
        }
        env.printk(4, `${env.modName}: please compile with -fno-common`, k);
        errno = -ENOEXEC;
        block.status[k] = 'common';
        break;
      case SHN_ABS:
        block.status[k] = 'absolute';
        break;
      case SHN_LIVEPATCH:
        block.status[k] = 'skipped';
        break;
      case SHN_UNDEF: {
        const r = resolveSymbol(env, name, k, usingGplOnly);
        if (r.gplOnly) usingGplOnly = true;
        block.provider[k] = r.found ? (r.found.owner?.name ?? 'vmlinux') : null;
        block.crc[k] = r.crc;
        if (r.found && r.errno === 0) {
          value = r.found.address;
          block.status[k] = 'resolved';
          break;
        }
        // Only a NULL from resolve_symbol_wait() may be weak; an ERR_PTR is an error even for a weak symbol.
        if (!r.found && r.errno === 0 && (s.bind === STB_WEAK || name === '_GLOBAL_OFFSET_TABLE_')) {
          block.status[k] = 'weak-unresolved';
          break;
        }
        const err = r.errno || -ENOENT;
        env.printk(4, `${env.modName}: Unknown symbol ${name} (err ${err})`, k);
        errno = err;
        block.status[k] = r.status;
        break;
      }
      default:
        if (shndx >= env.sectionCount) {
          env.printk(4, `${env.modName}: Symbol ${name} has an invalid section index ${shndx} (max ${env.sectionCount - 1})`, k);
          errno = -ENOEXEC;
          block.status[k] = 'unknown';
          break;
        }
        block.status[k] = 'relative';
        if (value < 0x100000000n) {
          if (baseLo[shndx] === undefined) {
            const base = shndx === env.pcpuIndex && env.pcpuIndex !== 0 ? env.percpuBase : env.sectionAddr(shndx);
            baseLo[shndx] = Number(base & 0xffffffffn);
            baseHi[shndx] = Number((base >> 32n) & 0xffffffffn);
          }
          const lo = baseLo[shndx] + Number(value);
          block.setHalves(i, lo >>> 0, (baseHi[shndx] + (lo > 0xffffffff ? 1 : 0)) >>> 0);
          continue;
        }
        value += shndx === env.pcpuIndex && env.pcpuIndex !== 0 ? env.percpuBase : env.sectionAddr(shndx);
        value &= 0xffffffffffffffffn;
    }
    block.setValue(i, value);
  }
  return { block, errno, usingGplOnly };
}

interface Resolution {
  found: FoundSymbol | null;
  errno: number;
  gplOnly: boolean;
  status: SymStatus;
  /** The CRCs compared (formatted only when a step shows them: SymbolBlock.describe()). */
  crc: RawCrc | null;
}

/** check_version()'s operands: the module's __versions CRC (null: none listed) and the export's. */
interface RawCrc {
  module: bigint | null;
  kernel: number;
  ok: boolean;
}

function resolveSymbol(env: ResolveEnv, name: string, item: number, usingGplOnly: boolean): Resolution {
  const fault = env.resolveFault?.(name) ?? 0;
  if (fault) return { found: null, errno: fault, gplOnly: false, status: 'unknown', crc: null };
  const found = env.find(name, env.gplok());
  if (!found) return { found: null, errno: 0, gplOnly: false, status: 'unknown', crc: null };
  const gplOnly = found.gpl;
  // inherit_taint(): symbols from a proprietary module.
  if (found.owner && found.owner.taints & 1) {
    if (usingGplOnly || gplOnly) {
      env.printk(3, `${env.modName}: module using GPL-only symbols uses symbols ${name} from proprietary module ${found.owner.name}.`, item);
      return { found: null, errno: 0, gplOnly, status: 'unknown', crc: null };
    }
    if (!(env.moduleTaints() & 1)) {
      env.printk(4, `${env.modName}: module uses symbols ${name} from proprietary module ${found.owner.name}, inheriting taint.`, item);
      env.addModuleTaint('P', item);
    }
  }
  const v = checkVersion(env, name, found.crc, item);
  const crc: RawCrc | null = found.crc === null ? null : { module: v.moduleCrc, kernel: found.crc, ok: v.ok };
  if (!v.ok) return { found, errno: -EINVAL, gplOnly, status: v.moduleCrc === null ? 'no-version' : 'bad-crc', crc };
  if (found.namespace && !env.importNs.includes(found.namespace)) {
    env.printk(3, `${env.modName}: module uses symbol (${name}) from namespace ${found.namespace}, but does not import it.`, item);
    return { found, errno: -EINVAL, gplOnly, status: 'namespace', crc };
  }
  // ref_module() → strong_try_module_get(): an owner still in MODULE_STATE_COMING (its init has not
  // returned — or never will, after an oops) gives -EBUSY, and resolve_symbol_wait() waits up to
  // 30 s on module_wq for it to go LIVE, then gives up with a warning; simplify_symbols() then
  // reports the symbol as unknown with err -16 (kernel/module/main.c).
  if (found.owner && found.owner.state === 'COMING') {
    env.waited?.(30);
    env.printk(4, `${env.modName}: gave up waiting for init of module ${found.owner.name}.`, item);
    return { found, errno: -EBUSY, gplOnly, status: 'unknown', crc };
  }
  if (found.owner) {
    const err = env.refModule(found.owner);
    if (err) return { found, errno: err, gplOnly, status: 'unknown', crc };
  }
  return { found, errno: 0, gplOnly, status: 'resolved', crc };
}

const hex16 = (v: bigint): `0x${string}` => `0x${v.toString(16).padStart(16, '0')}`;

function crcText(c: RawCrc | null): SymbolDetail['crc'] {
  if (c === null) return null;
  return {
    module: c.module === null ? null : (`0x${c.module.toString(16).padStart(8, '0')}` as const),
    kernel: `0x${(c.kernel >>> 0).toString(16).padStart(8, '0')}`,
    ok: c.ok,
  };
}

export class SymbolBlock implements StepBlock {
  readonly kind = 'symbols';
  readonly count: number;
  readonly status: SymStatus[];
  readonly provider: (string | null)[];
  readonly crc: (RawCrc | null)[];
  /** Final values by symbol index (0 unchanged). */
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;

  constructor(
    private readonly symbols: ElfSymbol[],
    private readonly env: ResolveEnv,
  ) {
    const n = symbols.length;
    this.count = Math.max(0, n - 1);
    this.status = new Array<SymStatus>(this.count).fill('not-reached');
    this.provider = new Array<string | null>(this.count).fill(null);
    this.crc = new Array<RawCrc | null>(this.count).fill(null);
    this.lo = new Uint32Array(n);
    this.hi = new Uint32Array(n);
  }

  /** The module whose symbols these are. */
  get module(): string {
    return this.env.modName;
  }

  setHalves(i: number, lo: number, hi: number): void {
    this.lo[i] = lo;
    this.hi[i] = hi;
  }

  setValue(i: number, v: bigint): void {
    this.lo[i] = Number(v & 0xffffffffn);
    this.hi[i] = Number((v >> 32n) & 0xffffffffn);
  }

  value(i: number): bigint {
    return (BigInt(this.hi[i]) << 32n) | BigInt(this.lo[i]);
  }

  describe(k: number): SymbolDetail {
    const i = k + 1;
    const s = this.symbols[i];
    const shndx = s.rawShndx === 0xffff ? s.shndx : s.rawShndx;
    const section = shndx === SHN_UNDEF || shndx >= SHN_LORESERVE ? symbolShndxName(shndx) : this.env.sectionName(shndx);
    const st = this.status[k];
    const after = this.value(i);
    const how =
      st === 'resolved'
        ? `undefined: found in ${this.provider[k]}'s exports; st_value = its address`
        : st === 'relative'
          ? shndx === this.env.pcpuIndex
            ? `defined in ${section}: st_value += the module's per-CPU base`
            : `defined in ${section}: st_value += ${section}'s final address`
          : st === 'absolute'
            ? 'SHN_ABS: left as it is'
            : st === 'weak-unresolved'
              ? 'weak and not found: left 0'
              : st === 'bad-crc'
                ? 'found, but its CRC disagrees with __versions: rejected (err -22)'
                : st === 'no-version'
                  ? 'found, but not listed in __versions: rejected (Debian)'
                  : st === 'namespace'
                    ? 'found, but its namespace is not imported: rejected (err -22)'
                    : st === 'unknown'
                      ? 'not exported by the kernel or any loaded module (err -2)'
                      : st === 'common'
                        ? 'SHN_COMMON: modules must be built with -fno-common'
                        : 'not looked at';
    return {
      kind: 'symbol',
      item: k,
      index: i,
      name: s.name,
      section,
      before: hex16(s.value),
      after: hex16(after),
      how,
      provider: this.provider[k],
      crc: crcText(this.crc[k]),
      status: st,
    };
  }
}

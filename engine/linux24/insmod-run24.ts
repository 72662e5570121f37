/**
 * One run of modutils 2.4.16's insmod: what INSMOD_MAIN keeps in its locals and globals (m_name,
 * struct obj_file *f, module_stat[], ksyms, m_size, m_addr, the `errors` count), as one object the
 * step functions share, with insmod's error() and the step recorder for user-space steps.
 */
import { SHN_ABS } from '../elf/constants';
import type { ElfFile, ElfSymbol } from '../elf/types';
import type { FinalSymbol } from '../kernel/module-record';
import type { ModuleFacts } from '../kmod/types';
import type { Allocation } from '../machine/memory';
import type { Effect, OperationInfo } from '../trace/types';
import type { RelocationBlock } from '../load/relocate';
import type { Kernel24, KSym, Module24, Step24 } from './kernel24';
import type { Placement24 } from './layout24';
import type { ParamWrite } from './params24';

export const INSMOD = 'modutils insmod/insmod.c';
export const OBJ = 'modutils obj/obj_reloc.c';

/** What insmod24() is asked (the command line and the file's bytes). */
export interface Insmod24Request {
  /** The path as typed (messages use it), e.g. "hello.ko". */
  fileName: string;
  image: Uint8Array;
  /** name=value arguments. */
  args: string[];
  /** insmod -f: load despite a kernel-version mismatch. */
  force?: boolean;
  /** insmod -k: MOD_AUTOCLEAN. */
  autoclean?: boolean;
  /** insmod -n: lay out and relocate at 0x12340000 (or at relocateAt), never touch the kernel. */
  noload?: boolean;
  /** With noload: relocate as if these ELF sections were at these addresses (e.g. where the 6.1 path put them). */
  relocateAt?: ReadonlyMap<number, bigint>;
  command?: string;
}

/** What insmod24() answers: its exit status, the steps, the module as placed. */
export interface Insmod24Result {
  /** insmod's exit status (0 or 1). */
  exit: number;
  /** The failing syscall's -errno, -1 when insmod gave up in user space, 0 on success. */
  errno: number;
  op: OperationInfo;
  module: Module24 | null;
  /** Every relocation insmod applied (null if it never got that far). */
  relocations: RelocationBlock | null;
  layout: Placement24[];
  /** The image as handed to init_module (or as relocated with noload). */
  image: Uint8Array | null;
}

/** What a module symbol resolves to: its value, who provides it and under which exported name. */
export interface Provider {
  value: bigint;
  from: string;
  exported: string;
}

/** An entry of the export table create_module_ksymtab() builds: a symbol, a section, or nothing. */
export interface ExportEntry {
  name: string;
  symbol: number | null;
  section?: number;
}

export class InsmodRun {
  readonly K: Kernel24;
  readonly req: Insmod24Request;
  readonly res: Insmod24Result;
  readonly op: OperationInfo;
  /** The path as typed: insmod's messages start with it. */
  readonly file: string;
  /** m_name. */
  readonly name: string;
  /** module_stat[]: the loaded modules with their info and symbols (get_kernel_info). */
  stat: { name: string; info: { addr: bigint } | null; syms: KSym[] }[] = [];
  /** ksyms: the kernel's own symbol table (QM_SYMBOLS on NULL). */
  ksyms: KSym[] = [];
  /** The kernel is versioned (Using_Versions is among its symbols). */
  versioned = false;
  mVersion = '';
  /** The version strings differ where they must agree (with -f: a warning, and taint F). */
  mismatch = false;
  /** Exactly one side is versioned: names compare without their _R<crc> suffix (ncv_strcmp). */
  ncv = false;
  gpl = false;
  gplonlySeen = false;
  resolved = new Map<number, Provider>();
  unresolved: string[] = [];
  /** The modules whose symbols this one uses (they become dependencies). */
  used: string[] = [];
  writes: ParamWrite[] = [];
  /** .kstrtab as insmod builds it. */
  kstr = '';
  nameAt = 0;
  stringPatches: { section: number; offset: number; at: number }[] = [];
  hasKsymtab = false;
  /** The sections insmod loads: SHF_ALLOC ones except .modinfo (obj_load). */
  allocIdx = new Set<number>();
  /** Symbols hide_special_symbols() made local. */
  hidden = new Set<string>();
  exportList: ExportEntry[] = [];
  exportNameAt: number[] = [];
  depMods: InsmodRun['stat'] = [];
  placements: Placement24[] = [];
  /** m_size. */
  size = 0;
  offOf = new Map<number, Placement24>();
  /** m_addr: where create_module reserved the image (or the -n address). */
  base = 0n;
  /** insmod's own xmalloc'd copy of the image. */
  buf: Allocation | null = null;
  finals: FinalSymbol[] = [];
  exportsFinal: { name: string; value: bigint }[] = [];
  private obj: ElfFile | null = null;
  private objFacts: ModuleFacts | null = null;

  constructor(K: Kernel24, req: Insmod24Request, res: Insmod24Result, name: string) {
    this.K = K;
    this.req = req;
    this.res = res;
    this.op = res.op;
    this.file = req.fileName;
    this.name = name;
  }

  /** struct obj_file *f (set by obj_load()). */
  get elf(): ElfFile {
    if (!this.obj) throw new Error('insmod: the object is used before obj_load() read it');
    return this.obj;
  }

  set elf(v: ElfFile) {
    this.obj = v;
  }

  get facts(): ModuleFacts {
    if (!this.objFacts) throw new Error('insmod: .modinfo is used before obj_load() read it');
    return this.objFacts;
  }

  set facts(v: ModuleFacts) {
    this.objFacts = v;
  }

  get symbols(): ElfSymbol[] {
    return this.elf.symtab?.symbols ?? [];
  }

  /** A user-space step (side 'user', file insmod.c unless given); errno marks the step where insmod gives up. */
  user(stage: Step24['stage'], fn: string, title: string, text: string, effects: Effect[] = [], errno?: number, file = INSMOD): void {
    this.K.step({ stage, side: 'user', fn, file, title, text, effects, ...(errno ? { errno } : {}) });
  }

  /** insmod's error(): "<prefix>: <message>" on stderr (each line), and the run fails with errno. */
  error(prefix: string, msg: string, errno = -1): false {
    for (const l of `${prefix}: ${msg}`.split('\n')) this.op.output.push(l);
    this.res.errno = errno;
    return false;
  }

  /** The final value of symbol i: a provider's, absolute, or its section's address plus its value. */
  valueOf(i: number): bigint {
    const s = this.symbols[i];
    const r = this.resolved.get(i);
    if (r) return r.value;
    if (s.rawShndx === 0) return 0n;
    if (s.rawShndx === SHN_ABS) return s.value;
    return this.offOf.has(s.shndx) ? this.secAddr(s.shndx) + s.value : s.value;
  }

  /** A section's address in the kernel (or where -n with relocateAt says it is). */
  secAddr(i: number): bigint {
    return this.req.relocateAt?.get(i) ?? this.base + BigInt(this.offOf.get(i)?.offset ?? 0);
  }

  /** Append a NUL-terminated string to .kstrtab; its offset there. */
  kstrAdd(s: string): number {
    const at = this.kstr.length;
    this.kstr += s + '\0';
    return at;
  }
}

/**
 * apply_relocations() (kernel/module/main.c) and x86-64 __apply_relocate_add()
 * (arch/x86/kernel/module.c, Linux 6.1): every RELA entry of every relocation section whose target
 * is SHF_ALLOC, applied to the final memory, with the kernel's checks. 64-bit arithmetic is done on
 * 32-bit halves so 320,000 relocations cost a few milliseconds, and every item is kept in typed
 * arrays (S, A, P, value, the bytes it replaced) for the timeline.
 */
import { EM_X86_64, relocTypeName, SHF_ALLOC } from '../elf/constants';
import { x86RelocRule } from '../elf/x86-64-relocations';
import { ENOEXEC } from './errno';
import type { ElfFile, ElfRelocSection } from '../elf/types';
import type { Allocation, ForeignWrite } from '../machine/memory';
import type { StepBlock } from '../trace/timeline';
import type { RelocationDetail } from '../trace/types';

const ST_APPLIED = 0;
const ST_NONE = 1;
const ST_NONZERO = 2;
const ST_OVERFLOW = 3;
const ST_UNKNOWN = 4;
const ST_OOB = 5;
const ST_NOT_REACHED = 6;
const STATUS_NAMES: RelocationDetail['status'][] = ['applied', 'none', 'nonzero-target', 'overflow', 'unknown-type', 'out-of-bounds', 'not-reached'];

/** Where each section ended up: final address halves and its bytes. */
export interface SectionTarget {
  lo: number;
  hi: number;
  alloc: Allocation | null;
  /** Offset of the section inside alloc. */
  offset: number;
  size: number;
}

export interface RelocationOutcome {
  block: RelocationBlock;
  /** First error: errno and the kernel's message lines (with the "module: " pr_fmt prefix). */
  error: { errno: number; lines: string[]; item: number } | null;
  applied: number;
  sections: { name: string; target: string; count: number }[];
}

interface Ctx {
  elf: ElfFile;
  modName: string;
  symLo: Uint32Array;
  symHi: Uint32Array;
  symNames: (i: number) => string;
  targets: (SectionTarget | null)[];
  firstPos: number;
}

/** The relocation sections apply_relocations() visits, in section index order. */
export function relocationSectionsToApply(elf: ElfFile, allocFlags: (index: number) => number): ElfRelocSection[] {
  const list = elf.relocSections.filter((r) => r.targetIndex < elf.sections.length && allocFlags(r.targetIndex) & SHF_ALLOC);
  return list.sort((a, b) => a.sectionIndex - b.sectionIndex);
}

export function applyRelocateAdd(ctx: Ctx, relsecs: ElfRelocSection[]): RelocationOutcome {
  let total = 0;
  for (const r of relsecs) total += r.count;
  const block = new RelocationBlock(total, ctx, relsecs);
  const sections: RelocationOutcome['sections'] = [];
  let k = 0;
  let error: RelocationOutcome['error'] = null;
  outer: for (let si = 0; si < relsecs.length; si++) {
    const rs = relsecs[si];
    sections.push({ name: rs.name, target: ctx.elf.sections[rs.targetIndex].name, count: rs.count });
    if (!rs.rela) {
      // x86-64 has no apply_relocate(): the __weak default refuses SHT_REL.
      error = { errno: ENOEXEC, lines: [`module ${ctx.modName}: REL relocation unsupported`], item: k };
      break;
    }
    const t = ctx.targets[rs.targetIndex];
    for (let j = 0; j < rs.count; j++, k++) {
      const st = applyOne(ctx, rs, j, t, block, k);
      if (st !== ST_APPLIED && st !== ST_NONE) {
        error = { errno: ENOEXEC, lines: errorLines(ctx, block, k), item: k };
        k++;
        break outer;
      }
    }
  }
  const applied = error ? error.item : k;
  for (let i = k; i < total; i++) block.status[i] = ST_NOT_REACHED;
  return { block, error, applied, sections };
}

function applyOne(ctx: Ctx, rs: ElfRelocSection, j: number, t: SectionTarget | null, b: RelocationBlock, k: number): number {
  // Only the outcome is stored: S, P and the value follow from the tables and are derived when an item is shown
  // (RelocationBlock.fields), and an applied item's target was zero; 320,000 items × 40 bytes otherwise (amdgpu).
  if (!t || !t.alloc) {
    b.status[k] = ST_OOB;
    return ST_OOB;
  }
  const type = rs.type[j];
  const rule = x86RelocRule(type);
  if (rule?.width === 0) {
    b.status[k] = ST_NONE;
    return ST_NONE;
  }
  if (!rule) {
    b.status[k] = ST_UNKNOWN;
    return ST_UNKNOWN;
  }
  const { width, pcRelative: pcrel } = rule;
  const rOff = rs.offsetLo[j] + rs.offsetHi[j] * 0x100000000;
  const off = t.offset + rOff;
  // The kernel does not bound-check r_offset; a hostile module would scribble past its section. We stop instead.
  if (rOff + width > t.size || off + width > t.alloc.size) {
    b.status[k] = ST_OOB;
    return ST_OOB;
  }
  const mem = t.alloc.bytes;
  const bLo = mem[off] | (mem[off + 1] << 8) | (mem[off + 2] << 16) | (mem[off + 3] << 24);
  const bHi = width === 8 ? mem[off + 4] | (mem[off + 5] << 8) | (mem[off + 6] << 16) | (mem[off + 7] << 24) : 0;
  // "existing value is nonzero": the target must still be zero (it is, unless relocated twice).
  if (bLo !== 0 || bHi !== 0) {
    b.status[k] = ST_NONZERO;
    b.refusedBefore = { item: k, lo: bLo >>> 0, hi: bHi >>> 0 };
    return ST_NONZERO;
  }
  // S + A, on halves (addend hi is signed: >>> 0 wraps it).
  const symIdx = rs.sym[j];
  const aLo = rs.addendLo[j];
  let vLo = (ctx.symLo[symIdx] ?? 0) + aLo;
  let vHi = ((ctx.symHi[symIdx] ?? 0) + rs.addendHi[j] + (vLo > 0xffffffff ? 1 : 0)) >>> 0;
  vLo >>>= 0;
  if (pcrel) {
    const pLoRaw = t.lo + rOff;
    const pLo = pLoRaw >>> 0;
    const pHi = (t.hi + Math.floor(pLoRaw / 0x100000000)) >>> 0;
    const d = vLo - pLo;
    vHi = (vHi - pHi - (d < 0 ? 1 : 0)) >>> 0;
    vLo = d >>> 0;
  }
  if (rule.check === 'zero-extend-32' && vHi !== 0) {
    b.status[k] = ST_OVERFLOW;
    return ST_OVERFLOW;
  }
  if (rule.check === 'sign-extend-32' && vHi !== (vLo & 0x80000000 ? 0xffffffff : 0)) {
    b.status[k] = ST_OVERFLOW;
    return ST_OVERFLOW;
  }
  mem[off] = vLo;
  mem[off + 1] = vLo >>> 8;
  mem[off + 2] = vLo >>> 16;
  mem[off + 3] = vLo >>> 24;
  if (width === 8) {
    mem[off + 4] = vHi;
    mem[off + 5] = vHi >>> 8;
    mem[off + 6] = vHi >>> 16;
    mem[off + 7] = vHi >>> 24;
  }
  b.status[k] = ST_APPLIED;
  return ST_APPLIED;
}

const h32 = (v: number): string => (v >>> 0).toString(16);
const h64 = (hi: number, lo: number): string => (hi ? h32(hi) + h32(lo).padStart(8, '0') : h32(lo));

function errorLines(ctx: Ctx, b: RelocationBlock, k: number): string[] {
  const f = b.fields(k);
  const rs = b.relsecs[f.sec];
  const type = rs.type[f.ent];
  switch (b.status[k]) {
    case ST_UNKNOWN:
      return [`module: ${ctx.modName}: Unknown rela relocation: ${type}`];
    case ST_NONZERO:
      // %p is hashed by the real kernel; Modscope shows the real address.
      return [
        `module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type ${type}, loc ` +
          `${h64(f.pHi, f.pLo).padStart(16, '0')}, val ${h64(f.vHi, f.vLo)}`,
      ];
    case ST_OVERFLOW:
      return [
        `module: overflow in relocation type ${type} val ${h64(f.vHi, f.vLo)}`,
        `module: \`${ctx.modName}' likely not compiled with -mcmodel=kernel`,
      ];
    default:
      return [
        `module: ${ctx.modName}: relocation ${f.ent} of ${rs.name} writes outside its section (Modscope stops here; the real kernel does not check)`,
      ];
  }
}

/** A 64-bit addend from its halves as readelf's signed column prints it: "-0x4", "0x10" (no "+", unlike base's signedHex). */
const addendHex = (hi: number, lo: number): string => {
  if (hi & 0x80000000) {
    const v = -((BigInt(hi) << 32n) | BigInt(lo)) + (1n << 64n);
    return '-0x' + v.toString(16);
  }
  return '0x' + h64(hi, lo);
};

function bytesHex(lo: number, hi: number, width: number): string {
  const out: string[] = [];
  for (let i = 0; i < width; i++) out.push((((i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 0xff) >>> 0).toString(16).padStart(2, '0'));
  return out.join(' ');
}

/** One item's numbers as apply_relocate_add() had them (zero where it never got that far). */
export interface RelocationFields {
  sec: number;
  ent: number;
  sLo: number;
  sHi: number;
  pLo: number;
  pHi: number;
  vLo: number;
  vHi: number;
  beforeLo: number;
  beforeHi: number;
}

export class RelocationBlock implements StepBlock {
  readonly kind = 'relocations';
  /** The outcome of each item (ST_*); everything else is derived from the tables (fields()). */
  readonly status: Uint8Array;
  /** The bytes found at the target of the item refused with "existing value is nonzero" (at most one: loading stops there). */
  refusedBefore: { item: number; lo: number; hi: number } | null = null;
  /** First item of each relocation section. */
  private readonly starts: Uint32Array;
  private byAddress: Uint32Array | null = null;

  constructor(
    readonly count: number,
    private readonly ctx: Ctx,
    readonly relsecs: ElfRelocSection[],
  ) {
    this.status = new Uint8Array(count);
    this.starts = new Uint32Array(relsecs.length);
    let k = 0;
    relsecs.forEach((r, i) => {
      this.starts[i] = k;
      k += r.count;
    });
  }

  /**
   * Item k's section and entry, S, P, the value and the bytes it replaced, as applyOne() computed them: S for every
   * reached item, P once the target section was known, the value for applied / nonzero / overflow items.
   */
  fields(k: number): RelocationFields {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    // Sections of no entries share a start: the item is in the last of them, the one that holds it.
    const sec = lo;
    const ent = k - this.starts[sec];
    const f: RelocationFields = { sec, ent, sLo: 0, sHi: 0, pLo: 0, pHi: 0, vLo: 0, vHi: 0, beforeLo: 0, beforeHi: 0 };
    const st = this.status[k];
    if (st === ST_NOT_REACHED) return f;
    const rs = this.relsecs[sec];
    const symIdx = rs.sym[ent];
    f.sLo = this.ctx.symLo[symIdx] ?? 0;
    f.sHi = this.ctx.symHi[symIdx] ?? 0;
    const t = this.ctx.targets[rs.targetIndex];
    if (!t || !t.alloc || !rs.rela) return f;
    const rOff = rs.offsetLo[ent] + rs.offsetHi[ent] * 0x100000000;
    const pLoRaw = t.lo + rOff;
    f.pLo = pLoRaw >>> 0;
    f.pHi = (t.hi + Math.floor(pLoRaw / 0x100000000)) >>> 0;
    if (st !== ST_APPLIED && st !== ST_NONZERO && st !== ST_OVERFLOW) return f;
    let vLo = f.sLo + rs.addendLo[ent];
    let vHi = (f.sHi + rs.addendHi[ent] + (vLo > 0xffffffff ? 1 : 0)) >>> 0;
    vLo >>>= 0;
    if (x86RelocRule(rs.type[ent])?.pcRelative) {
      const d = vLo - f.pLo;
      vHi = (vHi - f.pHi - (d < 0 ? 1 : 0)) >>> 0;
      vLo = d >>> 0;
    }
    f.vLo = vLo;
    f.vHi = vHi;
    if (st === ST_NONZERO && this.refusedBefore?.item === k) {
      f.beforeLo = this.refusedBefore.lo;
      f.beforeHi = this.refusedBefore.hi;
    }
    return f;
  }

  /** The module these relocations belong to (for finding an item from the file's views). */
  get module(): string {
    return this.ctx.modName;
  }

  width(k: number): number {
    const f = this.fields(k);
    return this.widthOf(f.sec, f.ent);
  }

  private widthOf(sec: number, ent: number): number {
    // A type the table does not know is shown as a 4-byte field.
    return x86RelocRule(this.relsecs[sec].type[ent])?.width ?? 4;
  }

  describe(k: number): RelocationDetail {
    const f = this.fields(k);
    const rs = this.relsecs[f.sec];
    const j = f.ent;
    const type = rs.type[j];
    const st = this.status[k];
    const bw = this.widthOf(f.sec, j);
    const width = st === ST_APPLIED || st === ST_NONZERO || st === ST_OVERFLOW ? bw : 0;
    const rule = x86RelocRule(type);
    const symIdx = rs.sym[j];
    const reached = st !== ST_NOT_REACHED;
    return {
      kind: 'relocation',
      item: k,
      relaSection: rs.name,
      entry: j,
      targetSection: this.ctx.elf.sections[rs.targetIndex]?.name ?? '?',
      type: relocTypeName(EM_X86_64, type) ?? `type ${type}`,
      typeNumber: type,
      symbol: this.ctx.symNames(symIdx),
      S: `0x${h64(f.sHi, f.sLo).padStart(16, '0')}`,
      A: addendHex(rs.addendHi[j] >>> 0, rs.addendLo[j]),
      P: `0x${h64(f.pHi, f.pLo).padStart(16, '0')}`,
      formula: rule?.formula ?? 'none: apply_relocate_add() does not handle this type',
      rule: rule ? { width: rule.width, pcRelative: rule.pcRelative, check: rule.check } : null,
      value: `0x${(bw === 4 ? h32(f.vLo) : h64(f.vHi, f.vLo)).padStart(bw === 4 ? 8 : 16, '0')}`,
      width,
      before: reached && bw ? bytesHex(f.beforeLo, f.beforeHi, bw) : '',
      after: st === ST_APPLIED && bw ? bytesHex(f.vLo, f.vHi, bw) : '',
      status: STATUS_NAMES[st],
      message: st === ST_APPLIED || st === ST_NONE || st === ST_NOT_REACHED ? null : errorLines(this.ctx, this, k).join('\n'),
    };
  }

  /** Items sorted by P (with P's halves by item), built on first use (window queries). */
  private index(): { idx: Uint32Array; pLo: Uint32Array; pHi: Uint32Array } {
    if (this.byAddress && this.pLoAll && this.pHiAll) return { idx: this.byAddress, pLo: this.pLoAll, pHi: this.pHiAll };
    // P of every item as fields() gives it (0 when never reached or without a target), section by section.
    const pLo = new Uint32Array(this.count);
    const pHi = new Uint32Array(this.count);
    this.relsecs.forEach((rs, si) => {
      const t = this.ctx.targets[rs.targetIndex];
      if (!t || !t.alloc || !rs.rela) return;
      for (let j = 0, k = this.starts[si]; j < rs.count; j++, k++) {
        if (this.status[k] === ST_NOT_REACHED) continue;
        const pLoRaw = t.lo + rs.offsetLo[j] + rs.offsetHi[j] * 0x100000000;
        pLo[k] = pLoRaw >>> 0;
        pHi[k] = (t.hi + Math.floor(pLoRaw / 0x100000000)) >>> 0;
      }
    });
    const idx = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) idx[i] = i;
    idx.sort((a, b) => pHi[a] - pHi[b] || pLo[a] - pLo[b]);
    this.byAddress = idx;
    this.pLoAll = pLo;
    this.pHiAll = pHi;
    return { idx, pLo, pHi };
  }

  private pLoAll: Uint32Array | null = null;
  private pHiAll: Uint32Array | null = null;

  writesOverlapping(address: bigint, length: number, firstPos: number): ForeignWrite[] {
    const { idx, pLo, pHi } = this.index();
    // First item whose P >= address - 8 (a write starts at most 8 bytes before the window).
    const from = address - 8n;
    const fHi = Number((from >> 32n) & 0xffffffffn);
    const fLo = Number(from & 0xffffffffn);
    let lo = 0;
    let hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = idx[mid];
      if (pHi[k] < fHi || (pHi[k] === fHi && pLo[k] < fLo)) lo = mid + 1;
      else hi = mid;
    }
    const out: ForeignWrite[] = [];
    const end = address + BigInt(length);
    for (let i = lo; i < idx.length; i++) {
      const k = idx[i];
      const p = (BigInt(pHi[k]) << 32n) | BigInt(pLo[k]);
      if (p >= end) break;
      if (this.status[k] !== ST_APPLIED) continue;
      const w = this.width(k);
      if (p + BigInt(w) <= address) continue;
      // An applied item found its target zero (applyOne refuses any other).
      out.push({ pos: firstPos + k, address: p, before: new Uint8Array(w) });
    }
    return out;
  }
}

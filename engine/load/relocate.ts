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
      block.sec[k] = si;
      block.ent[k] = j;
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
  // Fill sec/ent for items never reached, so they can still be described.
  fillUnreached(block, relsecs, k);
  return { block, error, applied, sections };
}

function fillUnreached(block: RelocationBlock, relsecs: ElfRelocSection[], from: number): void {
  let k = 0;
  for (let si = 0; si < relsecs.length; si++) {
    for (let j = 0; j < relsecs[si].count; j++, k++) {
      if (k < from) continue;
      block.sec[k] = si;
      block.ent[k] = j;
    }
  }
}

function applyOne(ctx: Ctx, rs: ElfRelocSection, j: number, t: SectionTarget | null, b: RelocationBlock, k: number): number {
  const type = rs.type[j];
  const symIdx = rs.sym[j];
  // S + A, on halves (addend hi is signed: >>> 0 wraps it).
  const sLo = ctx.symLo[symIdx] ?? 0;
  const sHi = ctx.symHi[symIdx] ?? 0;
  const aLo = rs.addendLo[j];
  const aHi = rs.addendHi[j];
  let vLo = sLo + aLo;
  let vHi = (sHi + aHi + (vLo > 0xffffffff ? 1 : 0)) >>> 0;
  vLo >>>= 0;
  b.sLo[k] = sLo;
  b.sHi[k] = sHi;
  if (!t || !t.alloc) {
    b.status[k] = ST_OOB;
    return ST_OOB;
  }
  const rOff = rs.offsetLo[j] + rs.offsetHi[j] * 0x100000000;
  const pLoRaw = t.lo + rOff;
  const pLo = pLoRaw >>> 0;
  const pHi = (t.hi + Math.floor(pLoRaw / 0x100000000)) >>> 0;
  b.pLo[k] = pLo;
  b.pHi[k] = pHi;
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
  const off = t.offset + rOff;
  // The kernel does not bound-check r_offset; a hostile module would scribble past its section. We stop instead.
  if (rOff + width > t.size || off + width > t.alloc.size) {
    b.status[k] = ST_OOB;
    return ST_OOB;
  }
  const mem = t.alloc.bytes;
  const bLo = mem[off] | (mem[off + 1] << 8) | (mem[off + 2] << 16) | (mem[off + 3] << 24);
  const bHi = width === 8 ? mem[off + 4] | (mem[off + 5] << 8) | (mem[off + 6] << 16) | (mem[off + 7] << 24) : 0;
  b.beforeLo[k] = bLo >>> 0;
  b.beforeHi[k] = bHi >>> 0;
  if (pcrel) {
    const d = vLo - pLo;
    vHi = (vHi - pHi - (d < 0 ? 1 : 0)) >>> 0;
    vLo = d >>> 0;
  }
  b.vLo[k] = vLo;
  b.vHi[k] = vHi;
  // "existing value is nonzero": the target must still be zero (it is, unless relocated twice).
  if (bLo !== 0 || bHi !== 0) {
    b.status[k] = ST_NONZERO;
    return ST_NONZERO;
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
  const rs = b.relsecs[b.sec[k]];
  const type = rs.type[b.ent[k]];
  switch (b.status[k]) {
    case ST_UNKNOWN:
      return [`module: ${ctx.modName}: Unknown rela relocation: ${type}`];
    case ST_NONZERO:
      // %p is hashed by the real kernel; Modscope shows the real address.
      return [
        `module: x86/modules: Skipping invalid relocation target, existing value is nonzero for type ${type}, loc ` +
          `${h64(b.pHi[k], b.pLo[k]).padStart(16, '0')}, val ${h64(b.vHi[k], b.vLo[k])}`,
      ];
    case ST_OVERFLOW:
      return [
        `module: overflow in relocation type ${type} val ${h64(b.vHi[k], b.vLo[k])}`,
        `module: \`${ctx.modName}' likely not compiled with -mcmodel=kernel`,
      ];
    default:
      return [
        `module: ${ctx.modName}: relocation ${b.ent[k]} of ${rs.name} writes outside its section (Modscope stops here; the real kernel does not check)`,
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

export class RelocationBlock implements StepBlock {
  readonly kind = 'relocations';
  readonly sec: Uint16Array;
  readonly ent: Uint32Array;
  readonly status: Uint8Array;
  readonly sLo: Uint32Array;
  readonly sHi: Uint32Array;
  readonly pLo: Uint32Array;
  readonly pHi: Uint32Array;
  readonly vLo: Uint32Array;
  readonly vHi: Uint32Array;
  readonly beforeLo: Uint32Array;
  readonly beforeHi: Uint32Array;
  private byAddress: Uint32Array | null = null;

  constructor(
    readonly count: number,
    private readonly ctx: Ctx,
    readonly relsecs: ElfRelocSection[],
  ) {
    this.sec = new Uint16Array(count);
    this.ent = new Uint32Array(count);
    this.status = new Uint8Array(count);
    this.sLo = new Uint32Array(count);
    this.sHi = new Uint32Array(count);
    this.pLo = new Uint32Array(count);
    this.pHi = new Uint32Array(count);
    this.vLo = new Uint32Array(count);
    this.vHi = new Uint32Array(count);
    this.beforeLo = new Uint32Array(count);
    this.beforeHi = new Uint32Array(count);
  }

  /** The module these relocations belong to (for finding an item from the file's views). */
  get module(): string {
    return this.ctx.modName;
  }

  width(k: number): number {
    // A type the table does not know is shown as a 4-byte field.
    return x86RelocRule(this.relsecs[this.sec[k]].type[this.ent[k]])?.width ?? 4;
  }

  describe(k: number): RelocationDetail {
    const rs = this.relsecs[this.sec[k]];
    const j = this.ent[k];
    const type = rs.type[j];
    const st = this.status[k];
    const width = st === ST_APPLIED || st === ST_NONZERO || st === ST_OVERFLOW ? this.width(k) : 0;
    const rule = x86RelocRule(type);
    const symIdx = rs.sym[j];
    const reached = st !== ST_NOT_REACHED;
    const bw = this.width(k);
    return {
      kind: 'relocation',
      item: k,
      relaSection: rs.name,
      entry: j,
      targetSection: this.ctx.elf.sections[rs.targetIndex]?.name ?? '?',
      type: relocTypeName(EM_X86_64, type) ?? `type ${type}`,
      typeNumber: type,
      symbol: this.ctx.symNames(symIdx),
      S: `0x${h64(this.sHi[k], this.sLo[k]).padStart(16, '0')}`,
      A: addendHex(rs.addendHi[j] >>> 0, rs.addendLo[j]),
      P: `0x${h64(this.pHi[k], this.pLo[k]).padStart(16, '0')}`,
      formula: rule?.formula ?? 'none: apply_relocate_add() does not handle this type',
      rule: rule ? { width: rule.width, pcRelative: rule.pcRelative, check: rule.check } : null,
      value: `0x${(bw === 4 ? h32(this.vLo[k]) : h64(this.vHi[k], this.vLo[k])).padStart(bw === 4 ? 8 : 16, '0')}`,
      width,
      before: reached && bw ? bytesHex(this.beforeLo[k], this.beforeHi[k], bw) : '',
      after: st === ST_APPLIED && bw ? bytesHex(this.vLo[k], this.vHi[k], bw) : '',
      status: STATUS_NAMES[st],
      message: st === ST_APPLIED || st === ST_NONE || st === ST_NOT_REACHED ? null : errorLines(this.ctx, this, k).join('\n'),
    };
  }

  /** Items sorted by P, built on first use (window queries). */
  private index(): Uint32Array {
    if (this.byAddress) return this.byAddress;
    const idx = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) idx[i] = i;
    idx.sort((a, b) => this.pHi[a] - this.pHi[b] || this.pLo[a] - this.pLo[b]);
    this.byAddress = idx;
    return idx;
  }

  writesOverlapping(address: bigint, length: number, firstPos: number): ForeignWrite[] {
    const idx = this.index();
    // First item whose P >= address - 8 (a write starts at most 8 bytes before the window).
    const from = address - 8n;
    const fHi = Number((from >> 32n) & 0xffffffffn);
    const fLo = Number(from & 0xffffffffn);
    let lo = 0;
    let hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = idx[mid];
      if (this.pHi[k] < fHi || (this.pHi[k] === fHi && this.pLo[k] < fLo)) lo = mid + 1;
      else hi = mid;
    }
    const out: ForeignWrite[] = [];
    const end = address + BigInt(length);
    for (let i = lo; i < idx.length; i++) {
      const k = idx[i];
      const p = (BigInt(this.pHi[k]) << 32n) | BigInt(this.pLo[k]);
      if (p >= end) break;
      if (this.status[k] !== ST_APPLIED) continue;
      const w = this.width(k);
      if (p + BigInt(w) <= address) continue;
      const before = new Uint8Array(w);
      for (let b = 0; b < w; b++) before[b] = (b < 4 ? this.beforeLo[k] >>> (8 * b) : this.beforeHi[k] >>> (8 * (b - 4))) & 0xff;
      out.push({ pos: firstPos + k, address: p, before });
    }
    return out;
  }
}

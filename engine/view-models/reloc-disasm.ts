/**
 * The instruction a relocation patches, as `objdump -dr` would show it before and after
 * __apply_relocate_add() (arch/x86/kernel/module.c) wrote the field at P: decoded from the modelled
 * memory at the relocation's own timeline position (before) and the next (after), with call/jmp
 * targets, rip-relative operands and address immediates named.
 *
 * Instruction boundaries come from decoding the containing function from its start (the module's
 * kallsyms/.symtab; the section's start when the module is gone), using the allocation's bytes
 * directly — the lengths do not depend on the relocated fields.
 */
import type { Hex64, PlacedRow } from '../api-types';
import type { Decoder } from '../cpu/types';
import type { Allocation } from '../machine/memory';
import { disasmRow, functionAt, sprintSymbol, symbolAt } from '../cpu/disasm-window';
import type { ModelKernel } from '../kernel/model';
import { hex64 } from '../base/hex';
import type { PatchedInstruction, RelocationDetail } from '../trace/types';

/** The patched instruction is the one shown; any immediate that is an address is named (R_X86_64_32S/64 into a mov). */
const PATCHED = { current: true, label: null, anyImmediate: true } as const;

const MAX_INSN = 15;
/** Decode at most this far from the function's start; past it, start this far before P and let the decoder resynchronise. */
const MAX_LEAD = 4096;
const RESYNC_LEADS = [256, 1024, 2048];

/** The placed text section containing a (from the operation's layout at this position). */
function textSectionAt(layout: PlacedRow[], a: bigint): { start: bigint; end: bigint } | null {
  for (const s of layout) {
    if (s.group !== 'text' || s.address === null || s.size === 0) continue;
    const start = BigInt(s.address);
    if (a >= start && a < start + BigInt(s.size)) return { start, end: start + BigInt(s.size) };
  }
  return null;
}

/**
 * Memory already read for this relocation at its position (`before`) and the next (`after`): the card's 8-byte rows
 * around the field, which hold the whole instruction (it covers P, so it starts at most 14 bytes before P and ends
 * at most 15 after; the rows reach 16 bytes past each end of the field). Each windowAt() walks the memory's write
 * log, so a seek reads the bytes once, not once for the card and again for the instruction.
 */
export interface ReadWindow {
  start: bigint;
  pos: number;
  before: (number | null)[];
  after: (number | null)[];
}

function windowBytes(k: ModelKernel, a: bigint, pos: number, read?: ReadWindow): Uint8Array | null {
  const off = read ? Number(a - read.start) : -1;
  const inside = read && (pos === read.pos || pos === read.pos + 1) && off >= 0 && off + MAX_INSN <= read.before.length;
  // A byte's value at pos is the same whichever window it is read in (windowAt undoes writes byte by byte).
  const w = inside
    ? (pos === read.pos ? read.before : read.after).slice(off, off + MAX_INSN)
    : k.memory.windowAt(a, MAX_INSN, pos, k.timeline.foreignWrites(a, MAX_INSN));
  const out: number[] = [];
  for (const b of w) {
    if (b === null) break;
    out.push(b);
  }
  return out.length ? Uint8Array.from(out) : null;
}

/** Instruction starts decoded from a start address, per allocation (scrubbing a section revisits the same functions). */
const startsCache = new WeakMap<Allocation, Map<bigint, bigint[]>>();

/**
 * The instruction starts from `start` up to the one covering P (decoding continues from a cached run).
 * The bytes of address a are at a + delta in alloc (2.4: insmod's image of the code that runs at a).
 */
function boundaries(decoder: Decoder, alloc: Allocation, start: bigint, P: bigint, secEnd: bigint, delta = 0n): bigint[] | null {
  let perAlloc = startsCache.get(alloc);
  if (!perAlloc) startsCache.set(alloc, (perAlloc = new Map()));
  if (perAlloc.size > 512) perAlloc.clear();
  let starts = perAlloc.get(start);
  if (!starts) perAlloc.set(start, (starts = [start]));
  const base = alloc.base - delta;
  const end = secEnd < base + BigInt(alloc.size) ? secEnd : base + BigInt(alloc.size);
  let ip = starts[starts.length - 1];
  while (ip <= P && ip < end) {
    const off = Number(ip - base);
    const ins = decoder.decode(alloc.bytes.subarray(off, Math.min(alloc.bytes.length, off + MAX_INSN)), ip);
    if (!ins || ins.length === 0) return ip > P ? starts : null;
    ip += BigInt(ins.length);
    starts.push(ip);
  }
  return starts;
}

/**
 * The instruction containing [P, P+width) at position pos, before (memory at pos) and after (pos + 1).
 * null when P is not in a text section, the bytes are gone, or they do not decode.
 */
export function patchedInstruction(
  k: ModelKernel,
  decoder: Decoder,
  r: RelocationDetail,
  pos: number,
  layout: PlacedRow[],
  read?: ReadWindow,
): PatchedInstruction | null {
  if (r.width === 0) return null;
  const P = BigInt(r.P);
  // 2.4: the bytes are in insmod's image (writtenAt), decoded as the code they become at P; the
  // layout places the sections where they are now (in that image), so the section is found there.
  const delta = r.writtenAt ? BigInt(r.writtenAt.address) - P : 0n;
  const here = textSectionAt(layout, P) ?? (delta ? textSectionAt(layout, P + delta) : null);
  const sec = here && delta && !textSectionAt(layout, P) ? { start: here.start - delta, end: here.end - delta } : here;
  if (!sec) return null;
  const alloc = k.memory.at(P + delta, pos);
  if (!alloc) return null;
  const fn = functionAt(k, P, pos);
  const fnStart = fn && fn.start >= sec.start && fn.start <= P ? fn.start : sec.start;
  // A long function: start shortly before P and let the decoder resynchronise (a wider lead if the field straddles).
  const starts = P - fnStart <= BigInt(MAX_LEAD) ? [fnStart] : RESYNC_LEADS.map((l) => P - BigInt(l));
  for (const start of starts) {
    if (start + delta < alloc.base) continue;
    const insn = decodeCovering(k, decoder, alloc, start, P, r.width, sec.end, pos, delta, read);
    if (insn) return { ...insn, fromFunctionStart: start === fnStart };
  }
  return null;
}

function decodeCovering(
  k: ModelKernel,
  decoder: Decoder,
  alloc: Allocation,
  start: bigint,
  P: bigint,
  width: number,
  secEnd: bigint,
  pos: number,
  delta = 0n,
  read?: ReadWindow,
): Omit<PatchedInstruction, 'fromFunctionStart'> | null {
  // Boundaries from the allocation's bytes as they are now (instruction lengths never depend on relocated fields).
  const starts = boundaries(decoder, alloc, start, P, secEnd, delta);
  if (!starts) return null;
  const ip = starts.find((s, i) => s <= P && (starts[i + 1] ?? s + BigInt(MAX_INSN)) > P);
  if (ip === undefined) return null;
  const rawBefore = windowBytes(k, ip + delta, pos, read);
  const rawAfter = windowBytes(k, ip + delta, pos + 1, read);
  const before = rawBefore && decoder.decode(rawBefore, ip);
  const after = rawAfter && decoder.decode(rawAfter, ip);
  if (!before || !after || !rawBefore || !rawAfter) return null;
  // The field must lie inside this instruction (a field across two is data, or a wrong resynchronisation).
  if (P + BigInt(width) > ip + BigInt(after.length)) return null;
  return {
    address: hex64(ip),
    where: sprintSymbol(k, ip, pos),
    patchOffset: Number(P - ip),
    width,
    before: disasmRow(k, before, rawBefore, pos, PATCHED),
    after: disasmRow(k, after, rawAfter, pos, PATCHED),
  };
}

/** "-0x4" / "0x10" → bigint (BigInt() refuses a signed hex string). */
function signedBig(v: string): bigint {
  return v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v);
}

/** What the relocated field points at: the patched instruction's operand, else S + A. */
export function relocationTarget(
  k: ModelKernel,
  r: RelocationDetail,
  insn: PatchedInstruction | null,
  pos: number,
): { address: Hex64; name: string | null } | null {
  if (r.status === 'not-reached' || r.width === 0) return null;
  if (insn?.after.target) return { address: insn.after.target.address, name: insn.after.target.symbol };
  const a = BigInt.asUintN(64, BigInt(r.S) + signedBig(r.A));
  return { address: hex64(a), name: symbolAt(k, a, pos) };
}

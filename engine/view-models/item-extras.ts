/**
 * What the Load view's item cards need beyond the block's own record: for a relocation, the
 * instruction it patches (disassembled before and after) and what it points at; for an undefined
 * symbol, the export that satisfies it with the CRC and licence checks.
 */
import type { RelocationDetail, SeekView } from '../api-types';
import type { Decoder } from '../cpu/types';
import type { ModelKernel } from '../kernel/model';
import { patchedInstruction, relocationTarget, type ReadWindow } from './reloc-disasm';
import { withSymbolExport } from './symbol-export';
import { hex64 } from '../base/hex';

/** Items of one .rela section are contiguous in the block: the first is `entry` back, the last found by bisection. */
function sectionItems(k: ModelKernel, view: SeekView, r: RelocationDetail): { first: number; count: number } {
  const first = view.pos - r.entry;
  let lo = view.pos;
  let hi = view.step.pos + view.step.span - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const d = k.timeline.at(mid)?.item;
    if (d?.kind === 'relocation' && d.relaSection === r.relaSection && d.entry === mid - first) lo = mid;
    else hi = mid - 1;
  }
  return { first, count: lo - first + 1 };
}

const ROW = 8;
const CONTEXT = 16;

/**
 * The bytes around the patched field in 8-byte rows, as they were before this relocation (memory at
 * pos) and after it (pos + 1): at P, or where the bytes are really written (2.4: insmod's image).
 */
function patchMemory(k: ModelKernel, r: RelocationDetail, pos: number): ReadWindow {
  const P = BigInt(r.writtenAt?.address ?? r.P);
  const low = Number(P % BigInt(ROW));
  const start = P - BigInt(CONTEXT + low);
  const length = CONTEXT + low + r.width + CONTEXT + ((ROW - ((low + r.width) % ROW)) % ROW);
  const writes = k.timeline.foreignWrites(start, length);
  return { start, pos, before: k.memory.windowAt(start, length, pos, writes), after: k.memory.windowAt(start, length, pos + 1, writes) };
}

export function withItemExtras(k: ModelKernel, view: SeekView, decoder: Decoder | null): SeekView {
  const item = view.item;
  if (item?.kind === 'relocation') {
    // The card's memory rows are read first: the patched instruction is decoded from them (no second read).
    const read = patchMemory(k, item, view.pos);
    const instruction = decoder ? patchedInstruction(k, decoder, item, view.pos, view.layout, read) : null;
    return {
      ...view,
      item: {
        ...item,
        instruction,
        target: relocationTarget(k, item, instruction, view.pos),
        sectionItems: sectionItems(k, view, item),
        memory: { start: hex64(read.start), before: read.before, after: read.after },
      },
    };
  }
  if (item?.kind === 'symbol') return { ...view, item: withSymbolExport(k, item, view.operation, view.pos) };
  return view;
}

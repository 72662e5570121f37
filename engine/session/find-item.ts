/**
 * From the file to the load: the timeline position where a relocation entry of the open file was
 * applied, or where one of its symbols was resolved (simplify_symbols), in the latest load of that module.
 */
import type { FindItemAnswer, FindTarget } from '../api-types';
import type { ModelKernel } from '../kernel/model';
import { RelocationBlock } from '../load/relocate';

export function findItem(k: ModelKernel, module: string, target: FindTarget): FindItemAnswer | null {
  const t = k.timeline;
  const kind = target.kind === 'relocation' ? 'relocations' : 'symbols';
  for (let i = t.stepCount() - 1; i >= 0; i--) {
    const step = t.step(i);
    if (!step || step.block !== kind) continue;
    const block = t.blockOf(i);
    if (!block || block.module !== module) continue;
    if (target.kind === 'symbol') {
      // SymbolBlock item k describes symbol index k + 1 (simplify_symbols skips the null symbol).
      const item = target.index - 1;
      if (item < 0 || item >= block.count) return null;
      return { pos: step.pos + item, op: step.op };
    }
    if (!(block instanceof RelocationBlock)) continue;
    // The block holds the sections apply_relocations() visited, in that order, one after the other.
    let first = 0;
    for (const rs of block.relsecs) {
      if (rs.name === target.relaSection) {
        if (target.entry < 0 || target.entry >= rs.count) return null;
        return { pos: step.pos + first + target.entry, op: step.op };
      }
      first += rs.count;
    }
    return null;
  }
  return null;
}

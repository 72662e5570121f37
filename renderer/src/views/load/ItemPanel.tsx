/**
 * The item under the cursor inside a block step: one relocation (RelocationCard: the instruction it
 * patches, the formula, the memory before and after) or one symbol (SymbolCard: how simplify_symbols
 * resolved it), each with one slider over its items.
 */
import type { EngineError, RelocationDetail, StepInfo, SymbolDetail } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { RelocationCard } from './RelocationCard';
import { SymbolCard } from './SymbolCard';

export function ItemPanel({
  item,
  pos,
  host,
  onError,
  step,
  onSeek,
}: {
  item: RelocationDetail | SymbolDetail;
  pos: number;
  host: Host;
  onError: (e: EngineError) => void;
  /** The block step the item belongs to (for the symbols slider). */
  step?: StepInfo;
  onSeek?: (p: number) => void;
}) {
  const seek = onSeek ?? (() => {});
  if (item.kind === 'relocation') return <RelocationCard r={item} pos={pos} host={host} onError={onError} onSeek={seek} />;
  const block = step && onSeek && step.block === 'symbols' ? { first: step.pos, count: step.span } : null;
  return <SymbolCard s={item} pos={pos} block={block} onSeek={seek} />;
}

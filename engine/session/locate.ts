/**
 * "Go to address": what an address is at a timeline position — the module section holding it (or the
 * kernel region), the symbol it falls in (as %pS prints it), the allocation, and the step that last wrote it.
 */
import type { AddressInfo } from '../api-types';
import type { ModelKernel } from '../kernel/model';
import { sprintSymbol } from '../cpu/disasm-window';
import { hex64 } from '../base/hex';

export function locateAddress(k: ModelKernel, a: bigint, pos: number): AddressInfo {
  const out: AddressInfo = {
    address: hex64(a),
    pos,
    module: null,
    section: null,
    symbol: null,
    allocation: null,
    region: null,
    writtenAt: null,
    writtenBy: null,
  };
  for (const mod of k.modulesAt(pos)) {
    for (const s of mod.allSections) {
      if (s.size > 0 && a >= s.address && a < s.address + BigInt(s.size)) {
        out.module = mod.name;
        out.section = { name: s.name, start: hex64(s.address), offset: Number(a - s.address), init: s.init };
        break;
      }
    }
    if (out.module) break;
  }
  out.symbol = sprintSymbol(k, a, pos);
  const alloc = k.memory.allocations.find(
    (x) => x.allocatedAt <= pos && (x.freedAt === null || x.freedAt > pos) && a >= x.base && a < x.base + BigInt(x.size),
  );
  if (alloc) out.allocation = { label: alloc.label, base: hex64(alloc.base), size: alloc.size, kind: alloc.kind };
  const region = k.as.regions.find((r) => a >= r.start && a < r.end);
  if (region) out.region = `${region.name}: ${region.what}`;
  // The step that last wrote the byte (a relocation, move_module's copy, an instruction…), up to pos.
  const writes = k.timeline.foreignWrites(a, 1);
  const relocs = writes.map((w) => ({ pos: w.pos, address: w.address, length: w.before.length, what: 'relocation' }));
  const w = k.memory.writersAt(a, 1, pos + 1, relocs)[0];
  if (w) {
    out.writtenAt = w.pos;
    out.writtenBy = w.what;
  }
  return out;
}

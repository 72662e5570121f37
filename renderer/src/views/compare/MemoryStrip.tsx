/**
 * Where the image lands, per kernel, at its current step: the live module allocations (2.4: one
 * block in the vmalloc'd module area with struct module at its start, and insmod's own buffer in
 * user space while it relocates; 6.1: the core and init allocations), each with its sections.
 */
import type { AllocationRow, PlacedRow, SeekView } from '../../../../engine/api-types';
import { bytesHuman } from '../../lib/format';
import type { Version } from './stages';

const SHOWN_KINDS = new Set(['module-core', 'module-init']);

function alive(a: AllocationRow, pos: number): boolean {
  return a.allocatedAt <= pos && (a.freedAt === null || a.freedAt > pos);
}

/**
 * Module allocations, plus 2.4's user-space image (where relocation happens) and 6.1's temporary
 * copy of the raw file (vmalloc'd by this load), while they exist.
 */
function shown(view: SeekView): AllocationRow[] {
  const mine = (a: AllocationRow) => a.allocatedAt >= view.operation.startPos;
  return view.allocations.filter(
    (a) => alive(a, view.pos) && (SHOWN_KINDS.has(a.kind) || /^0x0000/.test(a.base) || (a.kind === 'vmalloc' && mine(a))),
  );
}

function isStructModule(v: Version, p: PlacedRow): boolean {
  return v === '2.4' ? p.name === '.this' : p.name === '.gnu.linkonce.this_module';
}

function inside(a: AllocationRow, p: PlacedRow): boolean {
  if (p.address === null) return false;
  const x = BigInt(p.address);
  const b = BigInt(a.base);
  return x >= b && x < b + BigInt(a.size);
}

/**
 * The sections an allocation holds at the cursor. 2.4: the layout places each section where its
 * bytes are now — nowhere before obj_relocate(), in insmod's image while it relocates, in the
 * kernel's block once sys_init_module() has copied it — so create_module()'s block is drawn empty
 * until then, as the captions say. insmod's image keeps its copy until insmod frees it.
 */
function sectionsIn(v: Version, a: AllocationRow, layout: PlacedRow[]): PlacedRow[] {
  // Only the module this operation loads (the seek view also lists other loaded modules' sections).
  layout = layout.filter((p) => p.module === undefined && p.size > 0);
  if (v === '2.4') {
    if (/^0x0000/.test(a.base)) return layout.filter((p) => p.address !== null);
    return layout.filter((p) => inside(a, p));
  }
  if (a.kind === 'module-core') return layout.filter((p) => p.region === 'core');
  if (a.kind === 'module-init') return layout.filter((p) => p.region === 'init');
  return [];
}

/** "hello core (text, rodata, data, symbols)": the name, then the parenthesis (hidden when presenting, kept in the tooltip). */
function AllocLabel({ label }: { label: string }) {
  const m = /^(.*?)\s*(\(.*\))$/.exec(label);
  return (
    <span className="cmp-alloc-label" title={label}>
      {m ? m[1] : label}
      {m && <span className="cmp-alloc-more"> {m[2]}</span>}
    </span>
  );
}

export function MemoryStrip({ version, view }: { version: Version; view: SeekView | null }) {
  const allocs = view ? shown(view) : [];
  const freed = view
    ? view.allocations.filter(
        (a) => SHOWN_KINDS.has(a.kind) && a.freedAt !== null && a.freedAt <= view.pos && a.allocatedAt >= view.operation.startPos,
      )
    : [];
  return (
    <div className="cmp-mem" data-testid={`memory-strip-${version}`}>
      {allocs.length === 0 && <div className="muted small">Nothing reserved for the module yet.</div>}
      {allocs.map((a) => {
        const user = /^0x0000/.test(a.base);
        const secs = sectionsIn(version, a, view!.layout);
        return (
          <div key={a.id} className={`cmp-alloc${user ? ' user' : ''}`} data-testid="memory-alloc" data-kind={a.kind}>
            <div className="cmp-alloc-head">
              <code>{a.base}</code> <span className="muted">{bytesHuman(a.size)}</span> <AllocLabel label={a.label} />
            </div>
            <div className="cmp-alloc-bar">
              {secs.map((p) => {
                const sm = isStructModule(version, p);
                return (
                  <div
                    key={`${p.index}:${p.name}`}
                    className={`cmp-sec g-${p.group}${sm ? ' struct-module' : ''}`}
                    data-testid={sm ? 'struct-module' : undefined}
                    style={{ left: `${(p.offset / a.size) * 100}%`, width: `${Math.max(0.4, (p.size / a.size) * 100)}%` }}
                    title={`${p.name}: +0x${p.offset.toString(16)}, ${p.size} bytes${p.address ? ` at ${p.address}` : ''}`}
                  />
                );
              })}
              {secs
                .filter((p) => isStructModule(version, p))
                .map((p) => (
                  // Anchored on the side with room, so the label stays inside the panel.
                  <span
                    key="sm"
                    className="cmp-sm-label"
                    style={
                      p.offset / a.size < 0.5
                        ? { left: `${(p.offset / a.size) * 100}%` }
                        : { right: `${100 - ((p.offset + p.size) / a.size) * 100}%` }
                    }
                  >
                    {p.offset / a.size < 0.5 ? '▲ ' : ''}struct module
                    <span className="cmp-sm-detail">{version === '2.4' ? ' (at the image start)' : ' (.gnu.linkonce.this_module)'}</span>
                    {p.offset / a.size < 0.5 ? '' : ' ▲'}
                  </span>
                ))}
            </div>
          </div>
        );
      })}
      {allocs.length > 0 && (
        <div className="cmp-legend muted">
          <span>
            <i className="struct-module" /> struct module
          </span>
          <span>
            <i className="g-text" /> text
          </span>
          <span>
            <i className="g-rodata" /> rodata
          </span>
          <span>
            <i className="g-data" /> data
          </span>
          <span>
            <i /> other<span className="cmp-legend-long"> (symbols, strings, notes)</span>
          </span>
        </div>
      )}
      {freed.map((a) => (
        <div key={a.id} className="cmp-alloc freed muted small">
          <code>{a.base}</code> {a.label}: freed
        </div>
      ))}
    </div>
  );
}

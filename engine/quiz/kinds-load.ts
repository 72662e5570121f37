/**
 * Questions on load_module()'s own steps: a relocation's bytes (apply_relocations), a section's
 * place (layout_sections) and an undefined symbol's provider (simplify_symbols).
 */
import type { ModelKernel } from '../kernel/model';
import type { Prng } from '../machine/prng';
import type { OperationInfo, RelocationDetail, SymbolDetail } from '../trace/types';
import type { KernelVersion } from '../trace/types';
import { withSymbolExport } from '../view-models/symbol-export';
import { shuffled } from './seed';
import { opSteps, shortHex, stepRef, type Candidate } from './trace-walk';

/** Items sampled per block: enough to choose from, bounded for amdgpu's 320,000 relocations. */
const SAMPLE = 24;

function sampleItems(rng: Prng, span: number): number[] {
  if (span <= SAMPLE)
    return shuffled(
      rng,
      Array.from({ length: span }, (_, i) => i),
    );
  const seen = new Set<number>();
  while (seen.size < SAMPLE) seen.add(rng.below(span));
  return [...seen];
}

/** Final section addresses (move_module's 'address' effects, or 2.4's layout) by section name. */
function sectionAddresses(k: ModelKernel, op: OperationInfo): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const s of opSteps(k, op)) for (const e of s.effects) if (e.kind === 'address') m.set(e.name, BigInt(e.address));
  return m;
}

export function relocationQuestions(k: ModelKernel, op: OperationInfo, rng: Prng, kernel: KernelVersion): { total: number; items: Candidate[] } {
  const out: Candidate[] = [];
  let total = 0;
  const addr = sectionAddresses(k, op);
  for (const s of opSteps(k, op)) {
    if (s.block !== 'relocations') continue;
    total += s.span;
    for (const j of sampleItems(rng, s.span)) {
      const r = k.timeline.at(s.pos + j)?.item as RelocationDetail | null;
      if (!r || r.kind !== 'relocation' || (r.status !== 'applied' && r.status !== 'overflow')) continue;
      const base = addr.get(r.targetSection);
      const offset = base === undefined ? null : shortHex(BigInt(r.P) - base);
      const fits = r.status === 'applied';
      const parts: Candidate['parts'] = [];
      if (fits) parts.push({ label: `the ${r.width} bytes at P (hex, in memory order)`, format: 'hex-bytes', answer: r.after });
      parts.push({
        label: `does S + A${r.formula.includes('P') ? ' − P' : ''} fit in the field?`,
        format: 'choice',
        answer: fits ? 'yes' : 'no',
        choices: ['yes', 'no'],
      });
      out.push({
        kind: 'relocation',
        key: `relocation:${r.relaSection}#${r.entry}`,
        kernel,
        pos: s.pos + j,
        step: stepRef(k, s.pos + j),
        prompt:
          `${r.relaSection} entry ${r.entry}: ${r.type} against ${r.symbol} patches ${r.targetSection}${offset ? `+${offset}` : ''}. ` +
          `S = ${r.S}, A = ${r.A}, P = ${r.P}; the formula is ${r.formula}, the field ${r.width} bytes. Which bytes land at P, and does the value fit?`,
        data: {
          relaSection: r.relaSection,
          entry: r.entry,
          section: r.targetSection,
          offset,
          type: r.type,
          symbol: r.symbol,
          S: r.S,
          A: r.A,
          P: r.P,
          width: r.width,
        },
        parts,
        explanation:
          `${r.formula} = ${r.value}` +
          (fits ? `, written little-endian: ${r.before} → ${r.after}.` : `: it does not fit in ${r.width} bytes. ${r.message ?? ''}`),
      });
    }
  }
  return { total, items: out };
}

/**
 * Page permissions by layout group once the module is live: module_enable_ro() and module_enable_nx()
 * (kernel/module/strict_rwx.c) make text read-only+executable, rodata read-only, everything else
 * non-executable; .data..ro_after_init turns read-only in do_init_module() (kernel/module/main.c).
 */
const PERMISSIONS: Record<string, string> = {
  text: 'r-x',
  rodata: 'r--',
  ro_after_init: 'rw- then r-- after init',
  data: 'rw-',
  other: 'rw-',
  symtab: 'rw-',
  strtab: 'rw-',
};
const PERMISSION_CHOICES = ['r-x', 'r--', 'rw-', 'rw- then r-- after init', 'rwx'];

/** Why a section is in init or core memory (layout_sections() and layout_symtab(), kernel/module/main.c and kallsyms.c). */
function initReason(name: string, region: 'core' | 'init'): string {
  if (region === 'core') return 'it stays while the module is loaded';
  if (name.startsWith('.init')) return 'its name starts with .init, so it is freed once init has run';
  return 'layout_symtab() keeps the full symbol and string tables only until init has run (the core keeps the kallsyms subset)';
}

export function layoutQuestions(k: ModelKernel, op: OperationInfo): { total: number; items: Candidate[] } {
  const out: Candidate[] = [];
  for (const s of opSteps(k, op)) {
    for (const e of s.effects) {
      if (e.kind !== 'place' || e.size === 0) continue;
      const perm = PERMISSIONS[e.group];
      if (!perm) continue;
      out.push({
        kind: 'layout',
        key: `layout:${e.name}`,
        kernel: '6.1',
        pos: s.pos,
        step: stepRef(k, s.pos),
        prompt:
          `${s.fn}() places ${e.name} (${e.size} bytes, aligned to ${e.align}). Core or init memory, at which offset in that region, and with ` +
          `what page permissions?`,
        data: { section: e.name, index: e.section, size: e.size, align: e.align, group: e.group },
        parts: [
          { label: 'region', format: 'choice', answer: e.region, choices: ['core', 'init'] },
          { label: 'offset in the region (hex)', format: 'number', answer: shortHex(e.offset) },
          { label: 'permissions', format: 'choice', answer: perm, choices: PERMISSION_CHOICES },
        ],
        explanation:
          `${e.name} is in the "${e.group}" group of the ${e.region} region: ${initReason(e.name, e.region)}; ` +
          `after the previous sections, rounded up to ${e.align}, it starts at ${shortHex(e.offset)}. Permissions: ${perm}.`,
      });
    }
  }
  return { total: out.length, items: out };
}

export function resolutionQuestions(k: ModelKernel, op: OperationInfo, rng: Prng): { total: number; items: Candidate[] } {
  const out: Candidate[] = [];
  let total = 0;
  for (const s of opSteps(k, op)) {
    if (s.block !== 'symbols') continue;
    const loaded = (k.timeline.at(s.pos)?.before.modules ?? []).map((m) => m.name);
    const items: SymbolDetail[] = [];
    for (let j = 0; j < s.span; j++) {
      const raw = k.timeline.at(s.pos + j)?.item as SymbolDetail | null;
      // The export and licence rule as the Load view's symbol card gets them (resolve_symbol(), kernel/module/main.c).
      const d = raw?.kind === 'symbol' ? withSymbolExport(k, raw, op, s.pos + j) : null;
      if (d && d.section === 'UND' && d.name && d.status !== 'weak-unresolved') items.push(d);
    }
    total += items.length;
    for (const d of shuffled(rng, items).slice(0, SAMPLE)) {
      const owner = d.export ? d.export.owner : 'nobody';
      const crc = d.export?.crc ? shortHex(d.export.crc) : 'none';
      const parts: Candidate['parts'] = [
        { label: 'who exports it', format: 'choice', answer: owner, choices: [...new Set(['vmlinux', ...loaded, 'nobody', owner])] },
      ];
      if (d.export) {
        parts.push({ label: "the export's CRC (hex, or none)", format: 'number', answer: crc });
        // check_version() (kernel/module/version.c) compares it with the module's __versions entry.
        if (d.crc?.module)
          parts.push({ label: "does the module's __versions CRC match?", format: 'choice', answer: d.crc.ok ? 'yes' : 'no', choices: ['yes', 'no'] });
        parts.push({ label: 'does the licence allow it?', format: 'choice', answer: d.licence?.ok === false ? 'no' : 'yes', choices: ['yes', 'no'] });
      }
      out.push({
        kind: 'resolution',
        key: `resolution:${d.name}`,
        kernel: '6.1',
        pos: s.pos + d.item,
        step: stepRef(k, s.pos + d.item),
        prompt:
          `The module uses the undefined symbol ${d.name}. Which export satisfies it (the kernel or which module), with what CRC, and will the ` +
          `licence allow it?`,
        data: { symbol: d.name, index: d.index, moduleCrc: d.crc?.module ?? null, status: d.status },
        parts,
        explanation: d.export
          ? `${d.name} is exported by ${owner}${d.export.gplOnly ? ' as GPL-only' : ''} at ${d.export.address}, CRC ${crc}. ` +
            `${d.licence?.text ?? ''} ${d.how}`.trim()
          : `Nobody exports ${d.name}: ${d.how}`,
      });
    }
  }
  return { total, items: out };
}

/** Plain-words rendering of a ModuleOverview (the `info` command's text output). Pure. */
import type { ModuleOverview, SectionRow } from '../../engine/api-types';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function table(rows: string[][], indent = '  '): string[] {
  if (rows.length === 0) return [];
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i])))
        .join('  ')
        .trimEnd(),
  );
}

export function humanSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB (${n} bytes)`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB (${n} bytes)`;
}

function sectionKind(s: SectionRow): string {
  const f = s.flags;
  if (s.type === 'NOBITS') return 'zeroed at load (no bytes in file)';
  if (s.type === 'RELA' || s.type === 'REL') return 'relocations (patches applied at load)';
  if (s.type === 'SYMTAB') return 'symbol table';
  if (s.type === 'STRTAB') return 'string table';
  if (s.type === 'NOTE') return 'note';
  if (!f.includes('A')) return 'not loaded (metadata)';
  if (f.includes('X')) return 'code';
  if (f.includes('W')) return 'writable data';
  return 'read-only data';
}

export function formatInfo(o: ModuleOverview): string {
  const out: string[] = [];
  const mi = (k: string) => o.modinfo.filter((r) => r.key === k).map((r) => r.value);

  out.push(`File: ${o.fileName}`);
  out.push(`  size:        ${humanSize(o.fileSize)}`);
  out.push(`  compression: ${o.compression ? `${o.compression} (decompressed transparently)` : 'none'}`);
  if (o.signature.present) {
    out.push(
      `  signature:   yes — ${o.signature.signatureLength} bytes at offset 0x${o.signature.signatureOffset.toString(16)}` +
        (o.signature.idType ? `, ${o.signature.idType}` : '') +
        (o.signature.description ? ` (${o.signature.description})` : ''),
    );
    out.push(`               the ELF part is the first ${o.signature.elfLength} bytes`);
  } else {
    out.push('  signature:   none (unsigned module)');
  }
  out.push('');

  out.push('ELF header (readelf -h):');
  if (o.headerSummary) out.push(`  ${o.headerSummary}`);
  out.push(...table(o.header.map((h) => [h.field, h.value, h.explain ? `— ${h.explain}` : ''])));
  out.push('');

  const alloc = o.sections.filter((s) => s.flags.includes('A'));
  const loadBytes = alloc.reduce((n, s) => n + s.size, 0);
  out.push(
    `Sections: ${o.sections.length} (${alloc.length} loaded into memory, ${humanSize(loadBytes)}; ` +
      `${o.relocationCount} relocations in ${o.relocSections.length} relocation sections; ${o.symbolCount} symbols)`,
  );
  out.push(
    ...table([
      ['[Nr]', 'Name', 'Type', 'Flags', 'Size', 'What it is'],
      ...o.sections
        .filter((s) => s.index !== 0)
        .map((s) => [
          `[${s.index}]`,
          s.name || '(unnamed)',
          s.type,
          s.flags || '-',
          String(s.size),
          sectionKind(s) +
            (s.relocCount ? `, ${s.relocCount} relocation${s.relocCount === 1 ? '' : 's'} patch${s.relocCount === 1 ? 'es' : ''} it` : ''),
        ]),
    ]),
  );
  out.push('');

  out.push('Module information (modinfo):');
  if (o.modinfo.length === 0) out.push('  (no .modinfo section)');
  out.push(...table(o.modinfo.filter((r) => !r.key.startsWith('parm')).map((r) => [`${r.key}:`, r.value])));
  out.push('');

  out.push(`Parameters: ${o.params.length || 'none'}`);
  out.push(...table(o.params.map((p) => [p.name, p.type + (p.arrayMax !== undefined ? `[${p.arrayMax}]` : ''), p.perm, p.description || ''])));
  out.push('');

  const depends = mi('depends')
    .flatMap((d) => d.split(','))
    .map((d) => d.trim())
    .filter(Boolean);
  out.push(`Depends on: ${depends.length ? depends.join(', ') : 'no other modules'}`);
  const crcs = o.versions.length ? ` (${o.versions.length} with CRC versions)` : '';
  out.push(`Imports: ${o.imports.length} symbol${o.imports.length === 1 ? '' : 's'} the kernel must resolve at load time${crcs}`);
  out.push(`Exports: ${o.exports.length || 'none'}`);
  out.push(...table(o.exports.map((e) => [e.name, e.gplOnly ? 'GPL-only' : 'any license', e.namespace ? `namespace ${e.namespace}` : ''])));
  out.push('');

  if (o.thisModule) {
    out.push(`struct module: name "${o.thisModule.name}", init ${o.thisModule.init ?? '(none)'}, exit ${o.thisModule.exit ?? '(none)'}`);
  }
  const gpl = o.gplCompatible ? 'GPL-compatible (may use GPL-only symbols)' : 'not GPL-compatible (taints the kernel, no GPL-only symbols)';
  out.push(`License: ${o.license ?? '(none)'} — ${gpl}`);
  if (o.notes.length) {
    out.push(`Notes: ${o.notes.map((n) => `${n.owner} ${n.typeName || n.type}${n.description ? ` (${n.description})` : ''}`).join('; ')}`);
  }
  if (o.warnings.length) {
    out.push('');
    out.push('Warnings:');
    for (const w of o.warnings) out.push(`  ${w.code}${w.offset !== undefined ? ` at 0x${w.offset.toString(16)}` : ''}: ${w.message}`);
  }
  return out.join('\n') + '\n';
}

/** JSON with any bigint written as a "0x…" string (the API already uses Hex64 strings). */
export function toJson(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, val: unknown) => {
      if (typeof val === 'bigint') return val < 0n ? '-0x' + (-val).toString(16) : '0x' + val.toString(16);
      if (val instanceof Uint8Array) return Array.from(val);
      return val;
    },
    2,
  );
}

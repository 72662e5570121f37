/** Gather everything `info --json` prints, paging through the engine API. */
import type { Engine } from '../../engine/engine';
import type { EngineArg, EngineMethod, EngineValue, ModuleOverview, RelocRow, RelocSectionRow, SymbolRow } from '../../engine/api-types';
import { fromEngineError } from './errors';

const PAGE = 5000;

export async function must<M extends EngineMethod>(engine: Engine, method: M, arg: EngineArg<M>): Promise<EngineValue<M>> {
  const r = await engine.call(method, arg);
  if (!r.ok) throw fromEngineError(r.error);
  return r.value;
}

export async function allSymbols(engine: Engine, id: string): Promise<SymbolRow[]> {
  const rows: SymbolRow[] = [];
  for (let offset = 0; ; ) {
    const page = await must(engine, 'symbols', { id, offset, limit: PAGE });
    rows.push(...page.rows);
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) break;
  }
  return rows;
}

export async function allRelocations(engine: Engine, id: string, section: number): Promise<RelocRow[]> {
  const rows: RelocRow[] = [];
  for (let offset = 0; ; ) {
    const page = await must(engine, 'relocations', { id, section, offset, limit: PAGE });
    rows.push(...page.rows);
    offset += page.rows.length;
    if (page.rows.length === 0 || offset >= page.total) break;
  }
  return rows;
}

export interface InfoJson {
  file: { name: string; size: number; compression: string | null; signature: ModuleOverview['signature'] };
  header: ModuleOverview['header'];
  headerSummary: string;
  sections: ModuleOverview['sections'];
  symbols: SymbolRow[];
  relocations: Array<RelocSectionRow & { rows: RelocRow[] }>;
  notes: ModuleOverview['notes'];
  module: {
    modinfo: ModuleOverview['modinfo'];
    params: ModuleOverview['params'];
    depends: string[];
    imports: string[];
    exports: ModuleOverview['exports'];
    versions: ModuleOverview['versions'];
    thisModule: ModuleOverview['thisModule'];
    license: string | null;
    gplCompatible: boolean;
  };
  fileMap: ModuleOverview['fileMap'];
  warnings: ModuleOverview['warnings'];
}

export async function collectJson(engine: Engine, o: ModuleOverview): Promise<InfoJson> {
  const symbols = await allSymbols(engine, o.id);
  const relocations: InfoJson['relocations'] = [];
  for (const rs of o.relocSections) relocations.push({ ...rs, rows: await allRelocations(engine, o.id, rs.sectionIndex) });
  const depends = o.modinfo
    .filter((r) => r.key === 'depends')
    .flatMap((r) => r.value.split(','))
    .map((d) => d.trim())
    .filter(Boolean);
  return {
    file: { name: o.fileName, size: o.fileSize, compression: o.compression, signature: o.signature },
    header: o.header,
    headerSummary: o.headerSummary,
    sections: o.sections,
    symbols,
    relocations,
    notes: o.notes,
    module: {
      modinfo: o.modinfo,
      params: o.params,
      depends,
      imports: o.imports,
      exports: o.exports,
      versions: o.versions,
      thisModule: o.thisModule,
      license: o.license,
      gplCompatible: o.gplCompatible,
    },
    fileMap: o.fileMap,
    warnings: o.warnings,
  };
}

// No import cycles in engine/: none between files, none between engine folders (subsystems), type-only imports
// included (a type cycle is still two files that cannot be read one after the other). The layers, bottom up, are
// in ARCHITECTURE.md; a cycle means something shared belongs a layer down (see how base/, params/ and kernel/kernfs.ts
// came about), not an import hidden behind a re-export.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cycles, folderEdges, importGraph, subsystemOf, type ImportEdge } from './import-graph';

const root = new URL('..', import.meta.url).pathname;

/** A cycle as a reader fixes it: its members and the edges between them, with whether each is type-only. */
function explain(cycle: string[], edges: { from: string; to: string; via?: string; typeOnly?: boolean }[]): string {
  const inside = edges.filter((e) => cycle.includes(e.from) && cycle.includes(e.to));
  return [cycle.join(' ↔ '), ...inside.map((e) => `  ${e.from} → ${e.to}${e.via ? ` (${e.via})` : ''}${e.typeOnly ? ' (type)' : ''}`)].join('\n');
}

function fileCycles(edges: ImportEdge[]): string[] {
  return cycles(edges).map((c) => explain(c, edges));
}

function folderCycles(edges: ImportEdge[]): string[] {
  const f = folderEdges(edges);
  return cycles(f).map((c) => explain(c, f));
}

describe('engine import graph', () => {
  const edges = importGraph(root);

  it('reads the real graph (a sanity floor, so an empty walk cannot pass)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'engine/load/load-module.ts', to: 'engine/load/context.ts', typeOnly: false });
  });

  it('has no file-level cycle, type-only imports included', () => {
    expect(fileCycles(edges)).toEqual([]);
  });

  it('has no folder-level cycle between engine subsystems', () => {
    expect(folderCycles(edges)).toEqual([]);
  });
});

/**
 * The engine's folders bottom up (ARCHITECTURE.md, "Layers"): a folder imports only folders in lower layers.
 * engine.ts, kernel-session.ts and api-types.ts sit on top. A new folder goes in the lowest layer its imports allow.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['base', 'machine'],
  ['elf'],
  ['compress', 'kmod', 'asymmetric-keys', 'printk', 'trace'],
  ['params'],
  ['kernel'],
  ['cpu'],
  ['load'],
  ['shell', 'session', 'view-models', 'whatif'],
  ['linux24'],
  ['quiz', 'tours'],
];

/** Folder imports that do not go down a layer, or name a folder LAYERS lacks. */
function layerViolations(edges: ImportEdge[]): string[] {
  const layer = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));
  const out: string[] = [];
  for (const f of new Set(edges.flatMap((e) => [subsystemOf(e.from), subsystemOf(e.to)]))) {
    if (f !== '.' && !layer.has(f)) out.push(`engine/${f}/ is in no layer: add it to LAYERS (and ARCHITECTURE.md)`);
  }
  for (const e of folderEdges(edges)) {
    const a = layer.get(e.from);
    const b = layer.get(e.to);
    if (a !== undefined && b !== undefined && a <= b) out.push(`${e.from} (layer ${a}) imports ${e.to} (layer ${b}): ${e.via}`);
  }
  return out;
}

describe('engine layers', () => {
  it('every folder import goes down a layer', () => {
    expect(layerViolations(importGraph(root))).toEqual([]);
  });

  it('fires on an import up or sideways, and on a folder in no layer', () => {
    const g = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: true });
    expect(layerViolations([g('engine/load/a.ts', 'engine/view-models/b.ts')])).toEqual([
      'load (layer 6) imports view-models (layer 7): engine/load/a.ts → engine/view-models/b.ts',
    ]);
    expect(layerViolations([g('engine/shell/a.ts', 'engine/session/b.ts')])).toHaveLength(1);
    expect(layerViolations([g('engine/novel/a.ts', 'engine/elf/b.ts')])).toEqual([
      'engine/novel/ is in no layer: add it to LAYERS (and ARCHITECTURE.md)',
    ]);
    expect(layerViolations([g('engine/load/a.ts', 'engine/base/b.ts'), g('engine/engine.ts', 'engine/quiz/q.ts')])).toEqual([]);
  });
});

describe('the cycle check fires on a made-up engine', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'modscope-cycles-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmp, 'case-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };

  it('finds a folder cycle made of files that do not form a file cycle', () => {
    const dir = write({
      'engine/kernel/model.ts': "import { utf8 } from '../load/format';\nexport const k = utf8;",
      'engine/load/format.ts': 'export const utf8 = 1;',
      'engine/load/step.ts': "import { k } from '../kernel/model';\nexport const s = k;",
    });
    const g = importGraph(dir);
    expect(fileCycles(g)).toEqual([]);
    expect(folderCycles(g)).toEqual([
      [
        'kernel ↔ load',
        '  kernel → load (engine/kernel/model.ts → engine/load/format.ts)',
        '  load → kernel (engine/load/step.ts → engine/kernel/model.ts)',
      ].join('\n'),
    ]);
  });

  it('finds a three-file cycle in one folder, through an index.ts and a type-only import', () => {
    const dir = write({
      'engine/cpu/registry.ts': "import { tty } from './tty';\nexport const models = [tty];",
      'engine/cpu/tty.ts': "import type { State } from './state/index';\nexport const tty = 1 as unknown as State;",
      'engine/cpu/state/index.ts': "import { models } from '../registry';\nexport type State = typeof models;",
      'engine/cpu/ok.ts': "import { tty } from './tty';\nexport const ok = tty;",
    });
    const [c, ...rest] = cycles(importGraph(dir));
    expect(rest).toEqual([]);
    expect(c).toEqual(['engine/cpu/registry.ts', 'engine/cpu/state/index.ts', 'engine/cpu/tty.ts']);
    expect(fileCycles(importGraph(dir))[0]).toContain('engine/cpu/tty.ts → engine/cpu/state/index.ts (type)');
  });

  it('finds re-exports, dynamic imports and a file importing itself', () => {
    const dir = write({
      'engine/a/x.ts': "export { y } from '../b/y';\nexport const x = 1;",
      'engine/b/y.ts': "export const y = () => import('../a/x');",
      'engine/c/self.ts': "import * as me from './self';\nexport const z = me;",
    });
    expect(cycles(importGraph(dir))).toEqual([['engine/a/x.ts', 'engine/b/y.ts'], ['engine/c/self.ts']]);
  });

  it('leaves tests and test-support out (they may reach anywhere)', () => {
    const dir = write({
      'engine/a/x.ts': "import { y } from '../b/y';\nexport const x = y;",
      'engine/b/y.ts': 'export const y = 1;',
      'engine/b/y.test.ts': "import { x } from '../a/x';\nexport const t = x;",
      'engine/test-support/t.ts': "import { x } from '../a/x';\nexport const t = x;",
    });
    expect(cycles(importGraph(dir))).toEqual([]);
    expect(folderCycles(importGraph(dir))).toEqual([]);
  });
});

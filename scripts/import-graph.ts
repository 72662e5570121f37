// The engine's import graph, read with the TypeScript compiler's own parser (no new dependency), and the
// cycles in it: between files, and between engine folders (subsystems). scripts/engine-boundary.test.ts
// holds the engine to none of either.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  from: string;
  to: string;
  /** `import type …`, `export type … from`, or every named specifier marked `type`: erased at run time. */
  typeOnly: boolean;
}

/** The module specifiers a file imports or re-exports, with whether each is type-only. */
export function importsOf(text: string, fileName = 'x.ts'): { spec: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: { spec: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        !!c &&
        (c.isTypeOnly ||
          (!c.name &&
            !!c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly ||
        (!!node.exportClause &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      out.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) out.push({ spec: arg.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function walk(dir: string, acc: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (/\.tsx?$/.test(name) && !/\.(test|bench)\.tsx?$/.test(name) && !name.endsWith('.d.ts')) acc.push(p);
  }
  return acc;
}

/** Resolves a relative specifier the way the bundlers do: x.ts, x.tsx, x/index.ts. */
function resolveRelative(fromFile: string, spec: string, files: Set<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const base = join(dirname(fromFile), spec).replace(/\.js$/, '');
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (files.has(c)) return c;
  return null;
}

/**
 * Every import edge between files under root/dir (tests, benches and test-support left out: they may
 * reach anywhere). Paths come back relative to root, e.g. `engine/load/load-module.ts`.
 */
export function importGraph(root: string, dir = 'engine', skip: RegExp = /\/test-support\//): ImportEdge[] {
  const files = walk(join(root, dir)).filter((f) => !skip.test(relative(root, f)));
  const set = new Set(files);
  const edges: ImportEdge[] = [];
  for (const f of files) {
    for (const { spec, typeOnly } of importsOf(readFileSync(f, 'utf8'), f)) {
      const to = resolveRelative(f, spec, set);
      if (to) edges.push({ from: relative(root, f), to: relative(root, to), typeOnly });
    }
  }
  return edges;
}

/** Strongly connected components with more than one node (or a self-loop), each sorted, largest first (Tarjan). */
export function cycles(edges: { from: string; to: string }[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from)!.push(e.to);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || adj.get(v)!.includes(v)) out.push(comp.sort());
    }
  };
  for (const v of adj.keys()) if (!index.has(v)) strong(v);
  return out.sort((a, b) => b.length - a.length);
}

/** The folder an engine file belongs to: `engine/load/x.ts` → `load`, `engine/cpu/kernel-calls/y.ts` → `cpu`, `engine/engine.ts` → `.`. */
export function subsystemOf(path: string, dir = 'engine'): string {
  const rest = path.slice(dir.length + 1).split('/');
  return rest.length > 1 ? rest[0] : '.';
}

/** The folder-level graph: one edge per pair of different subsystems some file pair connects, with one example. */
export function folderEdges(edges: ImportEdge[], dir = 'engine'): { from: string; to: string; via: string }[] {
  const seen = new Map<string, { from: string; to: string; via: string }>();
  for (const e of edges) {
    const a = subsystemOf(e.from, dir);
    const b = subsystemOf(e.to, dir);
    if (a === b || a === '.' || b === '.') continue;
    const k = `${a}>${b}`;
    if (!seen.has(k)) seen.set(k, { from: a, to: b, via: `${e.from} → ${e.to}` });
  }
  return [...seen.values()];
}

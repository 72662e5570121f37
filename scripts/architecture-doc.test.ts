// ARCHITECTURE.md stays true of the tree: every path it names in backticks exists (a folder, a file, or a
// bare file name that some file in the repository has), and each "Where to add…" entry's `Files (N): …` list is
// what the change really touches: the files exist, N is their count, and no other file restates what they hold.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_METHODS } from '../engine/validate-call';

const root = new URL('..', import.meta.url).pathname;
const doc = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');
const names = new Set(tracked.map((p) => p.split('/').pop()));

/** Backticked tokens that name a path: a folder (`engine/load/`) or a file (`x.ts`, `a/b.md`). */
function namedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const t = m[1].replace(/[),.;:]+$/, '');
    if (/^[\w.-]+(\/[\w.-]+)*\/?$/.test(t) && (t.includes('/') || /\.(tsx?|mjs|md|json|c)$/.test(t))) out.add(t);
  }
  return [...out];
}

function exists(p: string): boolean {
  if (p.includes('/')) return existsSync(join(root, p)) || p.startsWith('kernel/') || p.startsWith('arch/') || p.startsWith('util/');
  return names.has(p) || /\.c$/.test(p);
}

describe('ARCHITECTURE.md', () => {
  const paths = namedPaths(doc);

  it('names paths (so the check below checks something)', () => {
    expect(paths.length).toBeGreaterThan(30);
    expect(paths).toContain('engine/load/load-module.ts');
  });

  it('names only paths that exist', () => {
    expect(paths.filter((p) => !exists(p))).toEqual([]);
  });

  it('fires on a path that does not exist', () => {
    expect(namedPaths('see `engine/load/no-such-file.ts` and `gone.ts`').filter((p) => !exists(p))).toEqual([
      'engine/load/no-such-file.ts',
      'gone.ts',
    ]);
  });
});

/** The `Files (N): a, b` lines of "Where to add…": [heading, stated count, the files]. */
function fileLists(text: string): { entry: string; count: number; files: string[] }[] {
  const out: { entry: string; count: number; files: string[] }[] = [];
  let entry = '';
  for (const line of text.split('\n')) {
    const h = /^\*\*([^*]+)\*\*/.exec(line);
    if (h) entry = h[1];
    const m = /^Files \((\d+)\): (.+)$/.exec(line);
    if (m) out.push({ entry, count: Number(m[1]), files: m[2].split(',').map((f) => f.trim()) });
  }
  return out;
}

/** A listed file exists; `<Name>` stands for the new file's name (its folder exists and holds files of that form). */
function listedFileExists(f: string): boolean {
  if (!f.includes('<')) return existsSync(join(root, f));
  const re = new RegExp(`^${f.replace(/[.]/g, '\\.').replace(/<[^>]+>/g, '[A-Za-z0-9]+')}$`);
  return tracked.some((t) => re.test(t));
}

/** Tracked source files (not tests), with their text. */
const sources = tracked
  .filter((p) => /\.(ts|tsx)$/.test(p) && !/\.(test|spec|bench)\.ts$/.test(p) && !p.startsWith('e2e/') && existsSync(join(root, p)))
  .map((p) => ({ path: p, text: readFileSync(join(root, p), 'utf8') }));

describe('ARCHITECTURE.md: where to add…', () => {
  const lists = fileLists(doc);
  const byEntry = (start: string) => lists.find((l) => l.entry.startsWith(start));

  it('states a file list for a relocation type, a pane and an exportable view', () => {
    expect(lists.map((l) => l.entry)).toEqual(['A relocation type', 'A pane (a tab).', 'An exportable view']);
  });

  it.each(fileLists(doc).map((l) => [l.entry, l] as const))('%s: the count is the list, and the files exist', (_, l) => {
    expect(l.files).toHaveLength(l.count);
    expect(l.files.filter((f) => !listedFileExists(f))).toEqual([]);
  });

  it('a relocation type: the rule table is the only place a rule is stated, and relocate.ts names no type', () => {
    expect(byEntry('A relocation type')?.files).toContain('engine/elf/x86-64-relocations.ts');
    const rule = /pcRelative:\s*(true|false)|formula:\s*'S \+ A|\/[^/\n]*\b(PC|PLT)\b[^/\n]*\/\.test\(/;
    expect(sources.filter((f) => rule.test(f.text)).map((f) => f.path)).toEqual(['engine/elf/x86-64-relocations.ts']);
    const relocate = readFileSync(join(root, 'engine/load/relocate.ts'), 'utf8');
    expect(relocate).not.toMatch(/\bR_X86_64_\w+/);
  });

  it('a pane: its tab id is listed only in host-common/views.ts, and App.tsx renders each tab by id', async () => {
    const { TAB_IDS, VIEWS } = await import('../host-common/views');
    // Three tab ids in a row, one of them no engine method's name ('symbols', 'relocations' are both).
    const id = `'(${TAB_IDS.join('|')})'`;
    const listing = new RegExp(`${id},\\s*${id},\\s*${id}`, 'g');
    const listsTabs = (text: string) =>
      [...text.matchAll(listing)].some((m) => m.slice(1).some((t) => !(ENGINE_METHODS as readonly string[]).includes(t)));
    expect([listsTabs("['overview', 'filemap', 'sections']"), listsTabs("'overview', 'symbols', 'relocations'")]).toEqual([true, false]);
    expect(sources.filter((f) => listsTabs(f.text) || /\{ id: 'filemap', label:/.test(f.text)).map((f) => f.path)).toEqual([
      'host-common/views.ts',
    ]);
    const app = readFileSync(join(root, 'renderer/src/App.tsx'), 'utf8');
    expect(TAB_IDS.filter((id) => !new RegExp(`tab [!=]== '${id}'`).test(app))).toEqual([]);
    // An exportable view: the e2e loop exports each by id (its case), nothing else lists them.
    const e2e = readFileSync(join(root, 'e2e/export-views.spec.ts'), 'utf8');
    expect(VIEWS.map((v) => v.id).filter((id) => !e2e.includes(`exportsWell(page, '${id}'`))).toEqual([]);
  });

  it('fires on a wrong count and on a file that does not exist', () => {
    const [l] = fileLists('**A thing**\nFiles (3): engine/engine.ts, engine/no-such.ts');
    expect(l.files).not.toHaveLength(l.count);
    expect(l.files.filter((f) => !listedFileExists(f))).toEqual(['engine/no-such.ts']);
    expect(listedFileExists('renderer/src/views/<Name>View.tsx')).toBe(true);
    expect(listedFileExists('renderer/src/nowhere/<Name>View.tsx')).toBe(false);
  });
});

// ARCHITECTURE.md stays true of the tree: every path it names in backticks exists (a folder, a file, or a
// bare file name that some file in the repository has).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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

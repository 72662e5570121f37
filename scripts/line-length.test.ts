// Lines under 160 characters in every source file git tracks, the .js/.mjs eslint ignores included
// (eslint's max-len holds the TS/TSX it lints; this holds the rest, and both to the same count).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX = 160;
const PATTERNS = ['*.ts', '*.tsx', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'];
/** Generated data kept as code, if any ever is: none today (the ACPI tables are 128-character chunks). */
const GENERATED: string[] = [];

/** Characters as eslint's max-len counts them (a string's length: "←" is one, not three bytes). */
export function longLines(text: string, max = MAX): { line: number; length: number }[] {
  return text
    .split('\n')
    .map((l, i) => ({ line: i + 1, length: l.replace(/\r$/, '').length }))
    .filter((l) => l.length > max);
}

function trackedSources(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--', ...PATTERNS], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && !GENERATED.includes(f));
}

describe('line length', () => {
  it('counts characters, not bytes, and finds a line one over the limit', () => {
    expect(longLines(`${'a'.repeat(MAX)}\n${'←'.repeat(MAX)}\n`)).toEqual([]);
    expect(longLines(`ok\n${'a'.repeat(MAX + 1)}\r\n`)).toEqual([{ line: 2, length: MAX + 1 }]);
  });

  it(`no tracked .ts/.tsx/.js/.mjs line is over ${MAX} characters`, () => {
    const files = trackedSources();
    // The scan must see the tree: the engine, both hosts, the scripts and the e2e.
    for (const dir of ['engine/', 'main/', 'renderer/', 'scripts/', 'e2e/'])
      expect(
        files.some((f) => f.startsWith(dir)),
        dir,
      ).toBe(true);
    const over = files.flatMap((f) => longLines(readFileSync(join(ROOT, f), 'utf8')).map((l) => `${f}:${l.line} (${l.length})`));
    expect(over).toEqual([]);
  });
});

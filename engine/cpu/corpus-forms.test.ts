/**
 * Every instruction form of the Debian corpus's init/exit code (testdata/corpus-forms.txt, made by
 * scripts/cpu/corpus-forms.mjs from .init.text/.exit.text of all 3,538 modules that have them) compiles to
 * an implemented operation: the CPU model meets no unsupported instruction there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { compile } from './exec';

const IP = 0xffffffffc0001000n;

describe('the corpus init/exit instruction forms', () => {
  it('are all implemented by the CPU model', () => {
    const decoder = createIcedDecoder();
    const lines = readFileSync(join(__dirname, 'testdata', 'corpus-forms.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    let instructions = 0;
    const unsupported: string[] = [];
    for (const line of lines) {
      const [form, , count, examples] = line.split('|');
      instructions += Number(count);
      for (const hex of examples.split(',')) {
        const bytes = new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
        const ins = decoder.decode(bytes, IP);
        const op = ins ? compile(ins) : null;
        if (!op || op.why) unsupported.push(`${form} [${hex}] ×${count}: ${op?.why ?? 'does not decode'}`);
      }
    }
    expect(lines.length).toBeGreaterThan(400);
    expect(instructions).toBeGreaterThan(100_000);
    expect(unsupported).toEqual([]);
  });
});

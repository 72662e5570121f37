/**
 * The vector (SSE/MMX/AVX) instruction forms the corpus's init and exit code can reach in its own module
 * (testdata/reachable-vector-forms.txt, from scripts/cpu/reachable-forms.mjs: the relocation closure of
 * .init.text/.exit.text — an over-approximation, e.g. amdgpu's display maths is reachable only from probe).
 * Each is implemented (exec-sse.ts, checked against the real CPU by differential.test.ts), or raises #UD as
 * on qemu64 (AVX, SSSE3, SSE4, AES-NI, PCLMUL, SHA: undefinedOnMachine), or is SSE floating point, which the
 * model does not have: NOT_MODELLED, listed with its count so that the list can only shrink.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { compile } from './exec';
import { undefinedOnMachine } from './exec-sse';

/** SSE/SSE2 floating point (and the MXCSR-dependent conversions): amdgpu's display code, behind DC_FP_START() in probe paths. */
const NOT_MODELLED = new Set(
  (
    'mulsd mulss divsd divss addsd addss subsd subss cvtsi2sd cvtsi2ss cvtss2sd cvtsd2ss cvttsd2si cvttss2si comisd comiss ' +
    'ucomisd ucomiss minsd minss maxsd maxss divpd addpd subpd mulpd subps cvttpd2dq cvtpd2ps cvtps2pd cvtdq2pd cvttps2dq cmppd cmpps cmpss cmpsd'
  ).split(' '),
);

describe('vector instruction forms reachable from the corpus init/exit code', () => {
  it('are implemented, raise #UD as on qemu64, or are SSE floating point (not modelled)', () => {
    const decoder = createIcedDecoder();
    const lines = readFileSync(join(__dirname, 'testdata', 'reachable-vector-forms.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const tally = { implemented: [0, 0], ud: [0, 0], float: [0, 0] };
    const floatMnemonics = new Map<string, number>();
    const other: string[] = [];
    for (const line of lines) {
      const [form, mnemonic, count, , examples] = line.split('|');
      const bytes = new Uint8Array(
        examples
          .split(',')[0]
          .match(/../g)
          ?.map((b) => parseInt(b, 16)) ?? [],
      );
      const ins = decoder.decode(bytes, 0xffffffffc0001000n);
      if (!ins) throw new Error(`${form} does not decode`);
      const op = compile(ins);
      const kind = undefinedOnMachine(ins) ? 'ud' : !op.why ? 'implemented' : NOT_MODELLED.has(mnemonic) ? 'float' : null;
      if (kind === null) other.push(`${form} ×${count}: ${op.why}`);
      else {
        tally[kind][0]++;
        tally[kind][1] += Number(count);
      }
      if (kind === 'float') floatMnemonics.set(mnemonic, (floatMnemonics.get(mnemonic) ?? 0) + Number(count));
    }
    console.log(
      `reachable vector forms: ${lines.length}; implemented ${tally.implemented[0]} (${tally.implemented[1]} instructions), ` +
        `#UD on qemu64 ${tally.ud[0]} (${tally.ud[1]}), SSE floating point not modelled ${tally.float[0]} (${tally.float[1]}): ` +
        [...floatMnemonics].map(([m, n]) => `${m} ${n}`).join(', '),
    );
    expect(other).toEqual([]);
    expect(lines.length).toBeGreaterThan(250);
    expect(tally.implemented[0]).toBeGreaterThan(50);
  });
});

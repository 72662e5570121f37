/**
 * The CPU model checked against this machine's x86-64 CPU, instruction by instruction: seeded random
 * instances of every instruction form in the Debian corpus's init/exit code (testdata/corpus-forms.txt)
 * plus EXTRA_FORMS, every SSE/SSE2 form exec-sse.ts implements (testdata/sse-forms.txt) and the corpus's own
 * encodings of them that init/exit can reach (testdata/reachable-vector-forms.txt), run natively by
 * testdata/differential-harness.c (built here with gcc) and on the model. General and xmm registers, rip, the
 * status flags and DF (minus those the SDM calls undefined for the instruction), the data page and faults (a
 * misaligned 16-byte operand's #GP included) must agree. Privileged and port-I/O instructions (in/out, cli/sti,
 * hlt, sidt, wbinvd, rdmsr…) and those answering with machine state (cpuid; rdtsc: the modelled TSC) are not run
 * natively: see NATIVE_EXCLUDED. The host's CPU must have movbe and cmpxchg16b (every x86-64 CPU since 2013).
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { buildHarness, compare, describeCase, generateCases, runModel, runNative } from '../../scripts/test-support/cpu-differential';

const SEED = 20261205;
const PER_FORM = 24;

describe('the CPU model against the real CPU', () => {
  it('agrees on every random instance of every corpus init/exit instruction form', () => {
    // No skip: without gcc this fails, naming it.
    const exe = buildHarness();
    const { cases, excluded } = generateCases(SEED, PER_FORM);
    const native = runNative(exe, cases);
    const decoder = createIcedDecoder();
    const bad = new Map<string, string[]>();
    let agree = 0;
    cases.forEach((c, i) => {
      const diffs = compare(c, native[i], runModel(decoder, c));
      if (diffs.length === 0) agree++;
      else {
        const list = bad.get(c.form) ?? [];
        list.push(`${describeCase(c)}\n      ${diffs.join('\n      ')}`);
        bad.set(c.form, list);
      }
    });
    const pct = ((100 * agree) / cases.length).toFixed(2);
    const report = [...bad].map(([f, l]) => `${f}: ${l.length} cases disagree, e.g.\n    ${l[0]}`).join('\n');
    const forms = new Set(cases.map((c) => c.form)).size;
    console.log(`differential: ${cases.length} cases over ${forms} forms, ${agree} agree (${pct}%); not run natively: ${excluded.length} forms`);
    expect(report, `${cases.length - agree} of ${cases.length} cases disagree`).toBe('');
    expect(cases.length).toBeGreaterThan(10_000);
  }, 300_000);
});

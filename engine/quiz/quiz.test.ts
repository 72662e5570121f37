/**
 * Exercises: determinism per seed and student, every kind offered by a real sample, the key marking
 * itself right and a changed answer wrong, and the answers checked against the recorded real kernel
 * (scripts/qemu/scenarios/*.qemu.json: insmod's output and dmesg, sysfs parameter values, lsmod and
 * rmmod). Relocation bytes are checked against GNU ld in main/cli/quiz.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { debianProfile, ROOT } from '../../scripts/test-support/kernel';
import { checkAnswer, checkPart } from './check';
import { generateQuiz, type QuizInput } from './generate';
import { whyLine } from './kinds-run';
import { quizMarkdown } from './sheet';
import { QUIZ_KINDS, type QuizPart, type QuizQuestion } from './types';

const decoder = createIcedDecoder();
const SCEN = join(ROOT, 'scripts/qemu/scenarios');

function file(rel: string): { name: string; bytes: Uint8Array } {
  return { name: rel.split('/').pop() as string, bytes: new Uint8Array(readFileSync(join(ROOT, rel))) };
}

function quiz(over: Partial<QuizInput> & { module: QuizInput['module'] }) {
  return generateQuiz({ profile: debianProfile(), decoder, deps: [], args: '', seed: 17, student: '', count: 10, kinds: [], kernel: '6.1', ...over });
}

/** A different answer of the same shape: another choice, a changed byte or number, extra text. */
function wrong(p: QuizPart): string {
  switch (p.format) {
    case 'choice':
      return (p.choices ?? []).find((c) => c !== p.answer) ?? `${p.answer}x`;
    case 'hex-bytes':
      return p.answer.replace(/^([0-9a-f]{2})/, (b) => ((parseInt(b, 16) + 1) & 0xff).toString(16).padStart(2, '0'));
    case 'number':
      return /^-?0x[0-9a-f]+$|^\d+$/.test(p.answer) ? `0x${(BigInt(p.answer) + 1n).toString(16)}` : '0x1';
    case 'list':
      return p.answer === 'none' ? '1' : 'none';
    case 'text':
      return `${p.answer} not`;
  }
}

const hello = file('samples/hello/hello.ko');

describe('exercises from a real trace', () => {
  it('the same seed and student give the same questions; another student gets another set', () => {
    const a = quiz({ module: hello, args: 'count=3' });
    const b = quiz({ module: hello, args: 'count=3' });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.questions).toHaveLength(10);
    const keys = (s: string) =>
      quiz({ module: hello, args: 'count=3', student: s })
        .questions.map((q) => q.key)
        .join('|');
    const sets = new Set(['', 'alice', 'bob', '12345'].map(keys));
    expect(sets.size).toBe(4);
    expect(keys('alice')).toBe(keys('alice'));
  });

  it('hello.ko offers every kind, and every question names a step that exists at its position', () => {
    const q = quiz({ module: hello, args: 'count=3', count: 100 });
    for (const k of QUIZ_KINDS) expect(q.available[k], k).toBeGreaterThan(0);
    expect(new Set(q.questions.map((x) => x.kind))).toEqual(new Set(QUIZ_KINDS));
    for (const x of q.questions) {
      expect(x.step.number).toBe(x.step.index + 1);
      expect(x.parts.length).toBeGreaterThan(0);
      for (const p of x.parts) if (p.choices) expect(p.choices, `${x.key} ${p.label}`).toContain(p.answer);
    }
    // The Markdown sheet hides the answers; the key shows every one.
    const sheet = quizMarkdown(q, false);
    const key = quizMarkdown(q, true);
    for (const x of q.questions) for (const p of x.parts) expect(key).toContain(p.answer.replace(/\n/g, ' ⏎ '));
    expect(sheet).not.toContain('5b 05 e7 c0');
  });

  it('the key marks itself right and every changed answer wrong', () => {
    const q = quiz({ module: hello, args: 'count=3', count: 100 });
    let parts = 0;
    for (const x of q.questions) {
      expect(
        checkAnswer(
          x,
          x.parts.map((p) => p.answer),
        ).correct,
        x.key,
      ).toBe(true);
      x.parts.forEach((p, i) => {
        const given = x.parts.map((pp) => pp.answer);
        given[i] = wrong(p);
        expect(checkAnswer(x, given).parts[i], `${x.key} ${p.label}: ${given[i]}`).toBe(false);
        parts++;
      });
    }
    expect(parts).toBeGreaterThan(40);
    // Lenient about spelling, strict about the fact.
    expect(checkPart({ label: '', format: 'hex-bytes', answer: '5b 05 e7 c0' }, '0x5B05E7C0')).toBe(true);
    expect(checkPart({ label: '', format: 'number', answer: '0x1000' }, '4096')).toBe(true);
    expect(checkPart({ label: '', format: 'list', answer: '1,2' }, '2 1')).toBe(true);
    expect(
      checkPart(
        { label: '', format: 'text', answer: 'bad_crc: Unknown symbol _printk (err -22)' },
        '[    3.048753] bad_crc: unknown symbol _printk (err -22)',
      ),
    ).toBe(true);
  });

  it('a 2.4 exercise asks on the 2.4 model and compares both paths', () => {
    const q = quiz({ module: hello, kernel: '2.4', count: 100 });
    expect(q.questions.every((x) => x.kernel === '2.4' || x.kind === 'compare')).toBe(true);
    const who = q.questions.filter((x) => x.key === 'compare:2.4:relocate' || x.key === 'compare:6.1:relocate');
    expect(who.map((x) => x.parts[0].answer).sort()).toEqual(['user space']);
    const syscalls = q.questions
      .filter((x) => x.key.startsWith('compare:2.4:syscall'))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((x) => x.parts[0].answer);
    expect(syscalls).toEqual(['query_module', 'create_module', 'init_module']);
    const q61 = quiz({ module: hello, kinds: ['compare'], count: 100 });
    expect(q61.questions.find((x) => x.key === 'compare:6.1:relocate')?.parts[0].answer).toBe('kernel');
    expect(q61.questions.find((x) => x.key === 'compare:6.1:syscall0')?.parts[0].answer).toBe('finit_module');
  });

  it('bad input is a typed error naming the field', () => {
    expect(() => quiz({ module: hello, count: 0 })).toThrow(/count/);
    expect(() => quiz({ module: hello, seed: -1 })).toThrow(/seed/);
    expect(() => quiz({ module: hello, kinds: ['nonsense' as never] })).toThrow(/unknown question kind "nonsense"/);
  });
});

interface ScenarioStep {
  cmd: string;
  output: string;
  rc: number;
  kmsg: { level: number; text: string }[];
  source?: string;
}
const scenarios = readdirSync(SCEN).filter((f) => f.endsWith('.qemu.json') && !f.includes('kaslr'));
const steps = (f: string): ScenarioStep[] => (JSON.parse(readFileSync(join(SCEN, f), 'utf8')) as { steps: ScenarioStep[] }).steps;
/** "insmod ../../../samples/x/y.ko a=1" → the sample file and its arguments. */
function insmodOf(s: ScenarioStep): { rel: string; args: string } | null {
  const m = /^insmod \.\.\/\.\.\/\.\.\/(samples\/\S+\.ko)\s*(.*)$/.exec(s.source ?? '');
  return m ? { rel: m[1], args: m[2] } : null;
}

describe('answers agree with the real kernel (recorded QEMU scenarios)', () => {
  const firsts = scenarios
    .map((f) => ({ f, i: steps(f).findIndex((s) => s.cmd.startsWith('insmod ')) }))
    .filter(({ f, i }) => i >= 0 && insmodOf(steps(f)[i]) !== null);
  it('covers the failing samples', () => {
    const names = firsts.map((x) => x.f);
    for (const s of ['bad-crc.qemu.json', 'missing-symbol.qemu.json', 'proprietary.qemu.json', 'failing-init.qemu.json', 'param-errors.qemu.json'])
      expect(names).toContain(s);
  });
  for (const { f, i } of firsts) {
    it(`${f}: will it load, what insmod prints and the last dmesg line`, () => {
      const step = steps(f)[i];
      const { rel, args } = insmodOf(step) as { rel: string; args: string };
      const q = quiz({ module: file(rel), args, kinds: ['checks'] });
      const c = q.questions[0] as QuizQuestion;
      expect(c.parts[0].answer).toBe(step.rc === 0 ? 'yes' : 'no');
      expect(c.parts[1].answer).toBe(step.output.replace(/\n$/, '') || '(nothing)');
      if (step.rc !== 0 && step.kmsg.length) expect(c.parts[2]?.answer).toBe(whyLine(step.kmsg));
    });
  }

  it('params.qemu.json: what cat prints for every parameter, without and with arguments', () => {
    const st = steps('params.qemu.json');
    const listings = st.filter((s) => s.cmd.includes('for f in *'));
    const loads = st.filter((s) => s.cmd.startsWith('insmod '));
    for (const [n, load] of [loads[0], loads[1]].entries()) {
      const { rel, args } = insmodOf(load) as { rel: string; args: string };
      const q = quiz({ module: file(rel), args, kinds: ['parameters'], count: 100 });
      const ours = q.questions.map((x) => `${x.data.parameter}=${x.parts[0].answer}`).sort();
      const real = listings[n].output.split('\n').filter(Boolean).sort();
      expect(ours.length).toBeGreaterThan(10);
      expect(ours).toEqual(real.filter((l) => ours.some((o) => o.split('=')[0] === l.split('=')[0])));
    }
  });

  it('provider-consumer.qemu.json: lsmod "Used by" and rmmod of a module in use', () => {
    const st = steps('provider-consumer.qemu.json');
    const q = quiz({ module: file('samples/consumer/consumer.ko'), deps: [file('samples/provider/provider.ko')], kinds: ['refcount'], count: 100 });
    const lsmod = st.find((s, i) => s.cmd === 'lsmod' && i > 2) as ScenarioStep;
    for (const row of lsmod.output.split('\n').slice(1).filter(Boolean)) {
      const m = /^(\S+)\s+\d+\s+(.*)$/.exec(row) as RegExpExecArray;
      expect(q.questions.find((x) => x.key === `refcount:lsmod:${m[1]}`)?.parts[0].answer).toBe(m[2].trim());
    }
    const rm = st.find((s) => s.cmd === 'rmmod provider') as ScenarioStep;
    const ours = q.questions.find((x) => x.key === 'refcount:rmmod:provider') as QuizQuestion;
    expect(ours.parts[0].answer).toBe(rm.rc === 0 ? 'yes' : 'no');
    expect(ours.parts[1].answer).toBe(rm.output.replace(/\n$/, ''));
  });

  it("printk-levels.qemu.json: the records a printk question lists have the real kernel's levels and text", () => {
    const st = steps('printk-levels.qemu.json');
    const load = st.find((s) => s.cmd.startsWith('insmod ')) as ScenarioStep;
    const q = quiz({ module: file((insmodOf(load) as { rel: string }).rel), kinds: ['printk'], count: 100 });
    const x = q.questions.find((y) => y.key.startsWith('printk:console_loglevel')) as QuizQuestion;
    const real = load.kmsg.slice(-Number(x.data.lines));
    expect(String(x.data.levels)).toBe(real.map((r) => r.level).join(','));
    for (const r of real) expect(x.prompt).toContain(`<${r.level}> ${r.text}`);
  });

  it('ring-flood.qemu.json: how many lines dmesg prints after the ring wrapped', () => {
    const st = steps('ring-flood.qemu.json');
    const load = st.find((s) => s.cmd.startsWith('insmod ')) as ScenarioStep;
    const after = st.slice(st.indexOf(load) + 1).filter((s) => /^dmesg \| grep -c/.test(s.cmd));
    const realLines = after.reduce((n, s) => n + Number(s.output.trim()), 0);
    const { rel, args } = insmodOf(load) as { rel: string; args: string };
    const q = quiz({ module: file(rel), args, kinds: ['printk'], count: 100 });
    const x = q.questions.find((y) => y.key === 'printk:ring-wrapped') as QuizQuestion;
    expect(realLines).toBe(1379);
    expect(x.parts[0].answer).toBe(String(realLines));
    expect(x.parts[1].answer).toMatch(/ring-flood|ring_flood/);
  });
});

/**
 * The exercise through the engine's host API, as the app uses it (the renderer never imports the
 * quiz code): quiz.generate, quiz.check marking the key right and a changed answer wrong, quiz.sheet
 * giving the same questions as Markdown, and typed errors for malformed requests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { ROOT } from '../../scripts/test-support/kernel';
import type { Result } from '../api-types';
import { createEngine } from '../engine';

async function ok<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('quiz.* through the engine', async () => {
  const e = createEngine({ decoder: createIcedDecoder });
  await ok(e.call('kernel.boot', { profile: new Uint8Array(readFileSync(join(ROOT, 'samples/kernel/debian-6.1.0-50-amd64.json.gz'))) }));
  const m = await ok(e.call('open', { name: 'hello.ko', bytes: new Uint8Array(readFileSync(join(ROOT, 'samples/hello/hello.ko'))) }));
  const q = await ok(e.call('quiz.generate', { id: m.id, args: 'count=3', seed: 17, count: 10 }));

  it('quiz.check marks every key right, and a changed first part wrong', async () => {
    expect(q.questions).toHaveLength(10);
    for (const x of q.questions) {
      const right = await ok(e.call('quiz.check', { parts: x.parts, given: x.parts.map((p) => p.answer) }));
      expect(right, x.key).toEqual({ parts: x.parts.map(() => true), correct: true });
      const first = x.parts[0];
      const other = first.format === 'choice' ? first.choices!.find((c) => c !== first.answer)! : `${first.answer}7`;
      const wrong = await ok(e.call('quiz.check', { parts: x.parts, given: [other, ...x.parts.slice(1).map((p) => p.answer)] }));
      expect(wrong.correct, x.key).toBe(false);
      expect(wrong.parts[0], x.key).toBe(false);
    }
  });

  it('quiz.check: spelling that does not change the fact is right (0x, case, spaces)', async () => {
    const parts = [
      { format: 'hex-bytes' as const, answer: '40 30 20 c0' },
      { format: 'number' as const, answer: '0x1000' },
    ];
    expect(await ok(e.call('quiz.check', { parts, given: ['0x40,0x30,0x20,0xC0', '4096'] }))).toEqual({ parts: [true, true], correct: true });
    expect(await ok(e.call('quiz.check', { parts, given: ['40 30 20 c1'] }))).toEqual({ parts: [false, false], correct: false });
  });

  it('quiz.sheet: the same questions as Markdown, the key with every answer and its step', async () => {
    const s = await ok(e.call('quiz.sheet', { id: m.id, args: 'count=3', seed: 17, count: 10 }));
    expect(s.sheet).toContain('# Exercise: hello.ko count=3');
    expect(s.key).toContain('# Answer key: hello.ko count=3');
    for (const x of q.questions) {
      expect(s.sheet).toContain(x.prompt.split('\n')[0]);
      expect(s.sheet).not.toContain(`\`${x.parts[0].answer}\``);
      expect(s.key).toContain(`Step ${x.step.number} (position ${x.pos}, ${x.kernel}): ${x.step.fn}()`);
    }
  });

  it('malformed requests are typed errors naming the field', async () => {
    const bad = await e.call('quiz.check', { parts: [{ format: 'guess' as never, answer: '1' }], given: ['1'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', field: 'parts[0]' });
    const none = await e.call('quiz.check', { parts: [], given: [] });
    expect(none.ok).toBe(false);
    const seed = await e.call('quiz.sheet', { id: m.id, seed: -1 });
    expect(seed.ok).toBe(false);
    if (!seed.ok) expect(seed.error.code).toBe('BAD_REQUEST');
  });
});

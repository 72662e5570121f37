/**
 * Issue 17: predict, then reveal. A seeded 10-question exercise on the Load view, on hello.ko (from
 * a link carrying the seed) and on a real Debian module (seed typed into the card); questions
 * answered right and wrong, each marked, the step revealed, a running score; the lecturer's sheet
 * and key downloaded as PDF and Markdown. The questions must be the ones `modscope quiz` prints for
 * the same module, arguments and seed (the CLI is the oracle: another host, the same engine).
 * At 1280×720, with screenshots into e2e/screenshots/readme/.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Quiz, QuizPart } from '../engine/api-types';
import { CORPUS_WHAT, missing } from '../scripts/test-support/prereq';
import { SHOTS, pdfContent } from './support';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(SHOTS, 'readme');
mkdirSync(README, { recursive: true });
const CORPUS = join(homedir(), '.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel');
const DEBIAN = join(CORPUS, 'drivers/input/misc/pcspkr.ko');
/** The Load view's kinds: every kind but the 2.4 comparison (renderer/src/exercise/kinds.ts). */
const LOAD_KINDS = 'relocation,layout,resolution,checks,parameters,printk,cpu,refcount';

test.use({ viewport: { width: 1280, height: 720 } });

/** The oracle: `modscope quiz` on the same file, arguments and seed. */
function cliQuiz(file: string, args: string[], seed: number, kinds = LOAD_KINDS): Quiz {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, 'main/cli/bin.mjs'), 'quiz', file, ...args, '--seed', String(seed), '--kinds', kinds, '--json'],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  return JSON.parse(out) as Quiz;
}

/** An answer of the same shape that is not the key. */
function wrongAnswer(p: QuizPart): string {
  switch (p.format) {
    case 'choice':
      return (p.choices ?? []).find((c) => c !== p.answer) as string;
    case 'hex-bytes':
      return p.answer.replace(/^([0-9a-f]{2})/, (b) => ((parseInt(b, 16) + 1) & 0xff).toString(16).padStart(2, '0'));
    case 'number':
      return /^(0x[0-9a-f]+|\d+)$/i.test(p.answer) ? `0x${(BigInt(p.answer) + 1n).toString(16)}` : `${p.answer}1`;
    case 'list':
      return p.answer === 'none' ? '1' : 'none';
    case 'text':
      return `${p.answer} (no)`;
  }
}

async function fillPart(page: Page, i: number, p: QuizPart, value: string): Promise<void> {
  const part = page.getByTestId('exercise-part').nth(i);
  if (p.format === 'choice') {
    const select = part.getByTestId('exercise-select');
    if (await select.count()) await select.selectOption(value);
    else
      await part
        .getByTestId('exercise-choice')
        .filter({ hasText: new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
        .click();
  } else await part.getByTestId('exercise-input').fill(value);
}

/** Answer question n (1-based) of the quiz, right or wrong, check, and see it marked and revealed (on the Load view, or the comparison). */
async function answer(page: Page, quiz: Quiz, n: number, right: boolean, shots?: { asked: string; revealed: string }, view = 'load'): Promise<void> {
  const q = quiz.questions[n - 1];
  const card = page.getByTestId('exercise-card');
  const question = page.getByTestId('exercise-question');
  await expect(question).toHaveAttribute('data-n', String(n));
  await expect(card).toHaveAttribute('data-phase', 'asking');
  await expect(card).toHaveAttribute('data-busy', 'no');
  // The app asks the oracle's question, and hides the view behind it.
  await expect(page.getByTestId('exercise-prompt')).toContainText(q.prompt.split('\n')[0].replace(/`/g, ''));
  await expect(page.getByTestId(`${view}-view`)).toHaveAttribute('data-quiz', 'hidden');
  await expect(page.getByTestId('exercise-part')).toHaveCount(q.parts.length);
  for (let i = 0; i < q.parts.length; i++) {
    const p = q.parts[i];
    // Wrong: the first part wrong, the others right (so exactly that part is marked wrong).
    await fillPart(page, i, p, !right && i === 0 ? wrongAnswer(p) : p.answer);
  }
  if (shots) await shot(page, shots.asked);
  await page.getByTestId('exercise-check').click();
  await expect(card).toHaveAttribute('data-phase', 'revealed');
  await expect(card).toHaveAttribute('data-busy', 'no');
  await expect(page.getByTestId('exercise-verdict')).toContainText(right ? 'Right' : 'Not quite');
  const marks = page.getByTestId('exercise-mark');
  await expect(marks).toHaveCount(q.parts.length);
  for (let i = 0; i < q.parts.length; i++) await expect(marks.nth(i)).toHaveAttribute('data-right', right || i > 0 ? 'yes' : 'no');
  await expect(page.getByTestId('exercise-key').first()).toContainText(q.parts[0].answer.split('\n')[0]);
  await expect(page.getByTestId('exercise-explanation')).not.toBeEmpty();
  // Revealed: the view is shown, on the question's own step.
  await expect(page.getByTestId(`${view}-view`)).not.toHaveAttribute('data-quiz', 'hidden');
  await expect(page.getByTestId('exercise-problem')).toHaveCount(0);
  const fn = /^[A-Za-z_]\w*$/.test(q.step.fn) ? `${q.step.fn}()` : q.step.fn;
  if (view === 'load') {
    await expect(page.getByTestId('present-bar')).toHaveAttribute('data-pos', String(q.pos));
    await expect(page.getByTestId('step-fn')).toHaveText(fn);
    await expect(page.getByTestId('step-title')).toHaveText(q.step.title);
  } else {
    await expect(page.getByTestId(`caption-fn-${q.kernel}`)).toHaveText(fn);
    await expect(page.getByTestId(`caption-title-${q.kernel}`)).toHaveText(q.step.title);
  }
  if (shots) await shot(page, shots.revealed);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(README, `${name}.png`) });
}

async function takeAll(
  page: Page,
  quiz: Quiz,
  rightWhen: (n: number) => boolean,
  shots: Record<number, { asked: string; revealed: string }> = {},
  view = 'load',
) {
  let right = 0;
  for (let n = 1; n <= quiz.questions.length; n++) {
    const r = rightWhen(n);
    await answer(page, quiz, n, r, shots[n], view);
    if (r) right++;
    await expect(page.getByTestId('exercise-score')).toHaveText(`score ${right} / ${n}`);
    await page.getByTestId('exercise-next').click();
  }
  await expect(page.getByTestId('exercise-card')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('exercise-final')).toHaveText(`${right} of ${quiz.questions.length} right`);
  return right;
}

test.describe('exercise: predict, then reveal', () => {
  test('hello.ko from a link with seed 17: ten questions, right and wrong, scored; the link keeps the seed', async ({ page }) => {
    test.setTimeout(180_000);
    const quiz = cliQuiz(join(ROOT, 'samples/hello/hello.ko'), ['count=3'], 17);
    expect(quiz.questions).toHaveLength(10);
    await page.goto('/#view=load&sample=hello/hello.ko&seed=17&args=count=3');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await expect(page.getByTestId('exercise-question')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('exercise-where')).toContainText('seed 17 · question 1 of 10');
    // The kinds of question the set spreads over, as the CLI counts them.
    const kinds = new Set(quiz.questions.map((q) => q.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(6);
    const right = await takeAll(page, quiz, (n) => n % 3 !== 0, {
      1: { asked: 'exercise-question', revealed: 'exercise-revealed' },
      3: { asked: 'exercise-question-wrong', revealed: 'exercise-revealed-wrong' },
    });
    expect(right).toBe(7);
    await expect(page).toHaveURL(/#view=load&sample=hello\/hello\.ko&seed=17&args=count=3$/);
    await shot(page, 'exercise-done');
  });

  test('a Debian module (pcspkr.ko): seed typed into the card, ten questions, right and wrong, scored', async ({ page }) => {
    test.skip(missing(`${CORPUS_WHAT}: ${DEBIAN}`, existsSync(DEBIAN)), `no corpus module at ${DEBIAN}`);
    test.setTimeout(180_000);
    const quiz = cliQuiz(DEBIAN, [], 4242);
    expect(quiz.questions).toHaveLength(10);
    await page.goto('/');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('open-file-input').setInputFiles(DEBIAN);
    await expect(page.getByTestId('module-name')).toContainText('pcspkr.ko', { timeout: 30_000 });
    await page.getByTestId('tab-load').click();
    await page.getByTestId('exercise-toggle').filter({ visible: true }).click();
    await page.getByTestId('exercise-seed').fill('4242');
    await shot(page, 'exercise-setup');
    await page.getByTestId('exercise-start').click();
    await expect(page.getByTestId('exercise-question')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('exercise-where')).toContainText('seed 4242 · question 1 of 10');
    const right = await takeAll(page, quiz, (n) => n % 2 === 1, { 2: { asked: 'exercise-debian-question', revealed: 'exercise-debian-revealed' } });
    expect(right).toBe(5);
    await expect(page).toHaveURL(/#view=load&seed=4242$/);
  });

  test('the comparison (hello.ko, seed 17): who does each stage and which syscall comes next on 2.4 and 6.1', async ({ page }) => {
    test.setTimeout(180_000);
    const quiz = cliQuiz(join(ROOT, 'samples/hello/hello.ko'), ['count=3'], 17, 'compare');
    expect(quiz.questions).toHaveLength(10);
    expect(new Set(quiz.questions.map((q) => q.kernel))).toEqual(new Set(['2.4', '6.1']));
    await page.goto('/#view=compare&insmod=hello.ko%20count=3&seed=17');
    await expect(page.getByTestId('exercise-question')).toBeVisible({ timeout: 90_000 });
    const right = await takeAll(
      page,
      quiz,
      (n) => n % 2 === 0,
      { 1: { asked: 'exercise-compare-question', revealed: 'exercise-compare-revealed' } },
      'compare',
    );
    expect(right).toBe(5);
    await expect(page).toHaveURL(/#view=compare&insmod=hello\.ko%20count=3&k24=\d+&k61=\d+&seed=17$/);
  });

  test("the lecturer's sheet and key: PDF and Markdown from the card, the same questions as the CLI's", async ({ page }) => {
    test.setTimeout(120_000);
    const quiz = cliQuiz(join(ROOT, 'samples/hello/hello.ko'), ['count=3'], 17);
    await page.goto('/#view=load&sample=hello/hello.ko');
    await expect(page.getByTestId('module-name')).toContainText('hello.ko', { timeout: 30_000 });
    await page.getByTestId('exercise-toggle').filter({ visible: true }).click();
    await page.getByTestId('exercise-seed').fill('17');
    const save = async (id: string) => {
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(`exercise-export-${id}`).click()]);
      const path = await dl.path();
      return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
    };
    const sheetMd = await save('sheet-md');
    expect(sheetMd.name).toBe('hello-seed17.md');
    const keyMd = await save('key-md');
    expect(keyMd.name).toBe('hello-seed17.key.md');
    const sheetPdf = await save('sheet-pdf');
    expect(sheetPdf.name).toBe('hello-seed17.pdf');
    expect(sheetPdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const keyPdf = await save('key-pdf');
    expect(keyPdf.name).toBe('hello-seed17.key.pdf');
    const sheet = sheetMd.bytes.toString('utf8');
    const key = keyMd.bytes.toString('utf8');
    expect(sheet).toContain('# Exercise: hello.ko count=3');
    expect(key).toContain('# Answer key: hello.ko count=3');
    const keyText = pdfContent(keyPdf.bytes);
    for (const q of quiz.questions) {
      expect(sheet).toContain(`## ${q.n}. ${q.kind}`);
      expect(key).toContain(`Step ${q.step.number} (position ${q.pos}, ${q.kernel}): ${q.step.fn}()`);
      expect(keyText).toContain(`${q.n}. ${q.kind}`);
    }
    expect(pdfContent(sheetPdf.bytes)).not.toContain('Answer key');
    await expect(page.getByTestId('exercise-saved')).toContainText('Saved');
  });
});

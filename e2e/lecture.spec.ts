/**
 * The C03/C05/C06 lecture (who does the work, the 2.6+ syscalls, insmod's path), presented as a
 * lecturer would at 1280×720 with a clicker: the 2.4 ⇄ 6.1 comparison stage by stage, then the
 * concepts' story on Lessons (#view=lessons&story=C03,C05,C06) stop by stop. Only the clicker's
 * keys move (PageDown/PageUp/→/←/Space/Home/End, Shift for one kernel, Esc); at every stage and
 * stop the caption and the key figure lie inside the viewport, the figure's labels are ≥ 20 px and
 * none is cut short. Each slide is saved as e2e/screenshots/readme/lecture-*.png.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOTS } from './support';

test.use({ viewport: { width: 1280, height: 720 } });

const W = 1280;
/** The presentation strip's top edge: what lies below it is hidden behind it. */
const STRIP_TOP = 720 - 52;

async function inView(page: Page, sel: string, what: string): Promise<void> {
  const box = await page.locator(sel).first().boundingBox();
  expect(box, `${what}: ${sel} has a box`).not.toBeNull();
  expect(box!.x, `${what}: ${sel} left`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what}: ${sel} top`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what}: ${sel} right`).toBeLessThanOrEqual(W + 0.5);
  expect(box!.y + box!.height, `${what}: ${sel} bottom`).toBeLessThanOrEqual(STRIP_TOP);
}

/**
 * Font sizes as the screen shows them (the computed size times every CSS zoom above it) of the
 * elements matched, and any text shortened with "…", running past its figure's right edge, or cut by CSS
 * (any element in the figure with text-overflow: ellipsis whose text is wider than its box).
 */
async function labels(page: Page, figure: string, sel: string): Promise<{ min: number; n: number; cut: string[] }> {
  return page
    .locator(figure)
    .first()
    .evaluate((fig, s) => {
      const g = globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string; zoom: string } };
      type El = { parentElement: El | null; textContent: string | null; getBoundingClientRect(): { right: number; width: number } };
      const els = [...(fig as unknown as { querySelectorAll(q: string): Iterable<El> }).querySelectorAll(s)];
      const right = (fig as unknown as El).getBoundingClientRect().right;
      const sizes: number[] = [];
      const cut: string[] = [];
      for (const e of els) {
        const t = (e.textContent ?? '').trim();
        if (!t || e.getBoundingClientRect().width === 0) continue;
        let z = 1;
        for (let a: El | null = e; a; a = a.parentElement) z *= parseFloat(g.getComputedStyle(a).zoom) || 1;
        sizes.push(parseFloat(g.getComputedStyle(e).fontSize) * z);
        // A caption's prose may itself say "…" (symbol families); its box must still fit.
        const prose = /cmp-caption-text|lesson-caption/.test(String((e as unknown as { className: unknown }).className));
        if ((!prose && t.includes('…')) || e.getBoundingClientRect().right > right + 1) cut.push(t);
      }
      type Box = El & { scrollWidth: number; clientWidth: number };
      const all = [fig, ...(fig as unknown as { querySelectorAll(q: string): Iterable<unknown> }).querySelectorAll('*')] as Box[];
      for (const e of all) {
        const cs = g.getComputedStyle(e) as unknown as { textOverflow: string; overflowX: string };
        if (cs.textOverflow === 'ellipsis' && cs.overflowX !== 'visible' && e.scrollWidth > e.clientWidth && e.getBoundingClientRect().width > 0)
          cut.push(`ellipsis: ${(e.textContent ?? '').trim()}`);
      }
      return { min: Math.min(...sizes), n: sizes.length, cut };
    }, sel);
}

const where = (page: Page) => page.getByTestId('present-strip').getByTestId('present-where');
const lit = (page: Page, v: string) =>
  page
    .locator(`[data-testid="compare-view"] [data-testid="compare-node"][data-version="${v}"][data-lit="yes"]`)
    .getAttribute('data-index')
    .then(Number);
const shot = async (page: Page, name: string) => {
  await page.waitForTimeout(450);
  await page.screenshot({ path: join(SHOTS, 'readme', `lecture-${name}.png`) });
};

/** A caption's text box: its lines' whole height, how far down it is shown now, how many lines it shows. */
const captionText = (page: Page, v: string) =>
  page.getByTestId(`caption-text-${v}`).evaluate((e) => {
    const el = e as unknown as { scrollHeight: number; scrollTop: number; clientHeight: number };
    const g = globalThis as unknown as { getComputedStyle(x: unknown): { lineHeight: string } };
    const lh = parseFloat(g.getComputedStyle(e).lineHeight);
    return { height: el.scrollHeight, bottom: el.scrollTop + el.clientHeight, shown: Math.round(el.clientHeight / lh) };
  });
/** Whether a caption has further lines the next key shows. */
const captionsMore = async (page: Page) => {
  for (const v of ['2.4', '6.1']) {
    const m = page.getByTestId(`caption-more-${v}`);
    if ((await m.count()) && /more/.test(await m.innerText())) return true;
  }
  return false;
};

const STAGES = [
  'read the file',
  'check it',
  'reserve memory',
  'resolve symbols',
  'relocate',
  'set parameters',
  'copy image',
  'link in',
  'call init',
  'result',
];
const COMPARE_LABELS =
  '.cmp-syscall-label text, .cmp-seg text, .cmp-seg-lit-label text, .cmp-lane-label, .cmp-kernel-title, .cmp-node text, ' +
  '.cmp-mem-card h4, .cmp-alloc-head, .cmp-alloc-head code, .cmp-sm-label, .cmp-caption-text, .cmp-caption h4, .cmp-caption-head code';

/** The story's stops: tour, stop (1-based), the figure that carries it. */
const STORY: { tour: string; stop: number; figure: string }[] = [
  { tour: 'hello-2.4', stop: 1, figure: 'tour-path' },
  { tour: 'hello-2.4', stop: 2, figure: 'tour-path' },
  { tour: 'hello-2.4', stop: 4, figure: 'tour-path' },
  { tour: 'hello-2.4', stop: 6, figure: 'tour-present-mem' },
  { tour: 'hello-2.4', stop: 7, figure: 'relocation-detail' },
  { tour: 'hello-2.4', stop: 9, figure: 'tour-present-mem' },
  { tour: 'hello', stop: 1, figure: 'tour-path' },
  { tour: 'hello', stop: 2, figure: 'tour-present-mem' },
  { tour: 'hello', stop: 17, figure: 'tour-path' },
  { tour: 'provider-2.4', stop: 1, figure: 'tour-path' },
];
/** Figures drawn for the projector (lanes, where the image lands, the relocation card's projector layout): every label ≥ 20 px. */
const PROJECTOR_LABELS: Record<string, string> = {
  'tour-path': 'text',
  'tour-present-mem': 'text, h4, .cmp-alloc-head, .cmp-alloc-head code, .cmp-sm-label',
  'relocation-detail': 'h3, h3 *, dt, dd, dd *, .reloc-insn *, .reloc-math, .reloc-math *',
};

test('the C03/C05/C06 lecture: Compare stage by stage, then the story on Lessons stop by stop, with clicker keys only', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/#view=compare&insmod=hello.ko%20count=3&k24=1&k61=1');
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
  await expect(page.getByTestId('compare-svg-6.1')).toBeVisible();
  await page.keyboard.press('F5');
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  await page.keyboard.press('Home');

  const next = ['PageDown', ' ', 'ArrowRight'];
  for (let s = 0; s < STAGES.length; s++) {
    const what = `stage ${s + 1} (${STAGES[s]})`;
    await expect(where(page)).toContainText(`stage ${s + 1} / 10 · ${STAGES[s]}`);
    for (const v of ['2.4', '6.1']) await expect(page.getByTestId(`compare-lit-stage-${v}`)).toHaveText(STAGES[s]);
    for (const id of ['compare-lanes', 'compare-mem-2.4', 'compare-mem-6.1', 'caption-2.4', 'caption-6.1'])
      await inView(page, `[data-testid="${id}"]`, what);
    const l = await labels(page, '[data-testid="compare-view"]', COMPARE_LABELS);
    expect(l.n, what).toBeGreaterThan(40);
    expect(l.min, `${what}: smallest label`).toBeGreaterThanOrEqual(19.9);
    expect(l.cut, `${what}: labels cut short`).toEqual([]);
    await shot(page, `compare-${String(s + 1).padStart(2, '0')}-${STAGES[s].replace(/ /g, '-')}`);
    // Each caption whole: it fits its box, or the next keys show its further lines before the stage moves on.
    const seen: Record<string, number> = {};
    for (let turn = 0; ; turn++) {
      const more = await captionsMore(page);
      for (const v of ['2.4', '6.1']) {
        const t = await captionText(page, v);
        seen[v] = Math.max(seen[v] ?? 0, t.bottom);
        expect(t.shown, `${what}: ${v} caption lines shown`).toBeGreaterThanOrEqual(2);
      }
      if (!more) break;
      expect(turn, `${what}: caption pages`).toBeLessThan(10);
      await page.keyboard.press('PageDown');
      await expect(where(page)).toContainText(`stage ${s + 1} / 10 · ${STAGES[s]}`);
      if (turn === 0) await shot(page, `compare-${String(s + 1).padStart(2, '0')}-${STAGES[s].replace(/ /g, '-')}-more`);
    }
    for (const v of ['2.4', '6.1'])
      expect(seen[v], `${what}: the whole ${v} caption was shown`).toBeGreaterThanOrEqual((await captionText(page, v)).height - 1);
    await page.keyboard.press(next[s % next.length]);
  }
  // The last stage stays put; back, back, to the start; Shift: 2.4 alone, a step at a time.
  await expect(where(page)).toContainText('stage 10 / 10');
  await page.keyboard.press('End');
  await page.keyboard.press('PageUp');
  await expect(where(page)).toContainText('stage 9 / 10 · call init');
  await page.keyboard.press('ArrowLeft');
  await expect(where(page)).toContainText('stage 8 / 10 · link in');
  await page.keyboard.press('Home');
  await expect(where(page)).toContainText('stage 1 / 10 · read the file');
  // Shift moves 2.4 alone: its long caption's further lines first, then its next step.
  const more24 = page.getByTestId('caption-more-2.4');
  for (let i = 0; i < 4 && (await more24.count()) && /more/.test(await more24.innerText()); i++) {
    const before = await more24.innerText();
    await page.keyboard.press('Shift+PageDown');
    await expect(more24).not.toHaveText(before);
    expect(await lit(page, '2.4')).toBe(0);
  }
  await page.keyboard.press('Shift+PageDown');
  await expect.poll(() => lit(page, '2.4')).toBe(1);
  expect(await lit(page, '6.1')).toBe(0);
  await expect(page.getByTestId('caption-fn-2.4')).toHaveText('sys_query_module()');
  await inView(page, '[data-testid="caption-2.4"]', '2.4 alone');
  await shot(page, 'compare-11-shift-2.4-query_module');
  const kept = [await lit(page, '2.4'), await lit(page, '6.1')];

  // The story: the lecturer's link (bookmarked) moves the open app; presentation mode stays on.
  await page.evaluate("location.hash = '#view=lessons&story=C03,C05,C06'");
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  for (let k = 0; k < STORY.length; k++) {
    const st = STORY[k];
    const what = `story ${k + 1} (${st.tour} stop ${st.stop})`;
    await expect(page.getByTestId('story-count')).toHaveText(`story C03 · C05 · C06: ${k + 1} / 10`, { timeout: 90_000 });
    await expect(page.getByTestId('lessons-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
    await expect(page.getByTestId('tour-stage')).toHaveAttribute('data-tour', st.tour);
    await expect(page.getByTestId('lesson-count')).toContainText(`stop ${st.stop} of`);
    await expect(where(page)).toContainText(`${k + 1} / 10`);
    await expect(page.getByTestId(st.figure).first()).toBeVisible();
    await inView(page, '[data-testid="lesson-caption"]', what);
    await inView(page, `[data-testid="${st.figure}"]`, what);
    const cap = await labels(page, '[data-testid="tour-stage"]', '[data-testid="lesson-caption"]');
    expect(cap.min, `${what}: caption`).toBeGreaterThanOrEqual(19.9);
    const sel = PROJECTOR_LABELS[st.figure];
    if (sel) {
      const l = await labels(page, `[data-testid="${st.figure}"]`, sel);
      expect(l.n, what).toBeGreaterThan(8);
      expect(l.min, `${what}: smallest label`).toBeGreaterThanOrEqual(19.9);
      expect(l.cut, `${what}: labels cut short`).toEqual([]);
    }
    await shot(page, `story-${String(k + 1).padStart(2, '0')}-${st.tour}-stop${st.stop}`);
    await page.keyboard.press(next[k % next.length]);
  }
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 10 / 10');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 1 / 10', { timeout: 90_000 });
  await page.keyboard.press('End');
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 10 / 10', { timeout: 90_000 });
  await expect(page.getByTestId('lessons-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 9 / 10', { timeout: 90_000 });
  await expect(page.getByTestId('lessons-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });

  // The story's link: a reload and a hashchange come back to the stop.
  await expect.poll(() => page.evaluate<string>('location.hash')).toBe('#view=lessons&story=C03,C05,C06&stop=9');
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).not.toHaveAttribute('data-present', 'on');
  // Leaving Lessons and coming back to Compare: the comparison is where the lecturer left it.
  await page.getByTestId('tab-compare').click();
  await expect.poll(() => lit(page, '2.4')).toBe(kept[0]);
  expect(await lit(page, '6.1')).toBe(kept[1]);
  await page.getByTestId('tab-lessons').click();
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 9 / 10');
  await expect.poll(() => page.evaluate<string>('location.hash')).toBe('#view=lessons&story=C03,C05,C06&stop=9');
  await page.reload();
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 9 / 10', { timeout: 90_000 });
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 17 of 19');
  await page.evaluate("location.hash = '#view=lessons&story=C03,C05,C06&stop=3'");
  await expect(page.getByTestId('story-count')).toHaveText('story C03 · C05 · C06: 3 / 10', { timeout: 90_000 });
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 4 of 12', { timeout: 90_000 });
  await page.evaluate("location.hash = '#view=lessons&story=C03,C99'");
  await expect(page.getByTestId('error-message')).toContainText('story names C99, not in the lesson index');
});

/** Per page of a PDF: its text (pdftotext), and the page sizes (pdfinfo). */
function pages(pdf: string): { text: string[]; sizes: string[] } {
  const n = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
  const sizes = [...execFileSync('pdfinfo', ['-f', '1', '-l', String(n), pdf], { encoding: 'utf8' }).matchAll(/Page\s+\d+ size:\s+(.*)/g)].map(
    (m) => m[1],
  );
  const text = Array.from({ length: n }, (_, i) =>
    execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' '),
  );
  return { text, sizes };
}
/** Words only a figure draws: the lanes, the memory map, the relocation card, the CPU pane, the shell transcript. */
const FIGURE = /kernel space|x86-64 4-level paging|formula|Call stack|# lsmod/;

test('the lecture as decks: the 2.4 tours from the app and the comparison from modscope deck --kernel 2.4, every page with its figure', async ({
  page,
}) => {
  test.setTimeout(400_000);
  const dir = mkdtempSync(join(tmpdir(), 'lecture-deck-'));
  for (const [tour, n] of [
    ['hello-2.4', 12],
    ['provider-2.4', 3],
  ] as const) {
    await page.goto(`/#view=lessons&tour=${tour}&stop=1`);
    await expect(page.getByTestId('lesson-count')).toHaveText(`stop 1 of ${n}`, { timeout: 90_000 });
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.getByTestId('tour-export-pdf').click()]);
    const pdf = join(dir, d.suggestedFilename());
    await d.saveAs(pdf);
    const p = pages(pdf);
    expect(p.text.length, tour).toBe(n);
    expect(new Set(p.sizes).size, `${tour}: one frame for every page`).toBe(1);
    p.text.forEach((t, i) => {
      expect(t, `${tour} page ${i + 1}: its figure`).toMatch(FIGURE);
      expect(t, `${tour} page ${i + 1}: the footer names the stop's kernel`).toContain(`${tour} tour · samples/`);
      expect(t).toContain('Linux 2.4 (modelled modutils insmod)');
      expect(t).toContain(`stop ${i + 1} / ${n}`);
    });
    if (tour === 'hello-2.4') {
      // "→" is spelled "->" in the standard faces; in the card's Courier bytes it keeps the arrow's width, so the space after it stays.
      const all = p.text.join(' ');
      expect(all, 'the relocation card: the bytes, the arrow and the space after it').toMatch(/00 00 00 00 -> [0-9a-f]{2} [0-9a-f]{2} /);
      expect(all.match(/ ->\S.{0,20}/g) ?? [], 'no arrow run into the next word').toEqual([]);
    }
    if (tour === 'hello-2.4')
      for (const i of [2, 4, 7])
        execFileSync('pdftoppm', [
          '-png',
          '-scale-to-x',
          '1280',
          '-scale-to-y',
          '-1',
          '-f',
          String(i),
          '-l',
          String(i),
          '-singlefile',
          pdf,
          join(SHOTS, 'readme', `lecture-deck-hello-2.4-stop${i}`),
        ]);
  }
  // The comparison as a deck on 2.4's steps, through the CLI (the app's own view code in headless Chromium).
  const { run } = await import('../main/cli/modscope');
  const out = join(dir, 'compare-2.4.pdf');
  const lines: string[] = [];
  const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
  expect(
    await run(
      ['deck', 'samples/hello/hello.ko', 'count=3', '--kernel', '2.4', '--view', 'compare', '--from', '1', '--to', '19', '--out', out],
      io as never,
    ),
    lines.join('\n'),
  ).toBe(0);
  const c = pages(out);
  expect(c.text.length).toBe(19);
  expect(new Set(c.sizes).size).toBe(1);
  c.text.forEach((t, i) => {
    expect(t, `compare page ${i + 1}: the lanes`).toMatch(/kernel space/);
    expect(t).toContain(`step ${i + 1} / 19`);
    expect(t, `compare page ${i + 1}: both kernels named`).toContain('Linux 2.4 (modutils insmod model) <-> Linux 6.1.0-50-amd64');
  });
  execFileSync('pdftoppm', [
    '-png',
    '-scale-to-x',
    '1280',
    '-scale-to-y',
    '-1',
    '-f',
    '2',
    '-l',
    '2',
    '-singlefile',
    out,
    join(SHOTS, 'readme', 'lecture-deck-compare-2.4-step2'),
  ]);
});

/**
 * Compare ⇄ Lessons while presenting at 1280×720: a compare stage shows, under each kernel's
 * caption, the tour stops that show that stage on that kernel, as links; a tour stop links back to
 * the comparison at its stage with its kernel on its step. Both are URLs (the hash moves the open
 * app), and presentation mode stays on across them. Screenshots lecture-link-*.png.
 */
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { SHOTS } from './support';

test.use({ viewport: { width: 1280, height: 720 } });

test('from a compare stage to the lesson stop that shows it, and back, by links', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#view=compare&insmod=hello.ko%20count=3&stage=relocate');
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
  await page.keyboard.press('F5');
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  const where = page.getByTestId('present-strip').getByTestId('present-where');
  await expect(where).toContainText('stage 5 / 10 · relocate');

  // Under 2.4's caption: hello-2.4's relocation stop; under 6.1's: hello's.
  const l24 = page.getByTestId('compare-lessons-2.4').getByTestId('compare-lesson-link');
  const l61 = page.getByTestId('compare-lessons-6.1').getByTestId('compare-lesson-link');
  await expect(page.getByTestId('compare-lessons-2.4')).toHaveText('in Lessons:hello-2.4 stop7');
  await expect(l24).toHaveText(['7']);
  await expect(page.getByTestId('compare-lessons-6.1')).toContainText('hello stops10');
  await expect(l61).toHaveText(['10', '11']);
  await expect(l61.first()).toHaveAttribute('href', '#view=lessons&tour=hello&stop=10');
  for (const l of [l24.first(), l61.first()]) {
    const box = (await l.boundingBox())!;
    expect(box.y + box.height, 'the link is on screen, above the strip').toBeLessThanOrEqual(720 - 52);
    const size = await l.evaluate((e) => {
      const g = globalThis as unknown as { getComputedStyle(x: unknown): { fontSize: string } };
      return parseFloat(g.getComputedStyle(e).fontSize);
    });
    expect(size).toBeGreaterThanOrEqual(20);
  }
  await expect(l24).toHaveAttribute('href', '#view=lessons&tour=hello-2.4&stop=7');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'readme', 'lecture-link-1-compare-relocate.png') });

  await l24.click();
  await expect(page.getByTestId('lesson-count')).toHaveText('stop 7 of 12', { timeout: 90_000 });
  await expect(page.getByTestId('lessons-view')).toHaveAttribute('data-busy', 'no', { timeout: 90_000 });
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  await expect.poll(() => page.evaluate<string>('location.hash')).toBe('#view=lessons&tour=hello-2.4&stop=7');
  const back = page.getByTestId('lesson-compare-link');
  await expect(back).toBeVisible();
  await expect(back).toContainText('Compare at “relocate”');
  await expect(back).toHaveAttribute('href', '#view=compare&insmod=hello.ko%20count%3D3&stage=relocate&k24=11');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'readme', 'lecture-link-2-lesson-hello-2.4-stop7.png') });

  await back.click();
  await expect(where).toContainText('relocate', { timeout: 90_000 });
  await expect.poll(() => page.locator('[data-testid="compare-node"][data-version="2.4"][data-lit="yes"]').getAttribute('data-index')).toBe('10');
  await expect(page.getByTestId('caption-fn-2.4')).toHaveText('obj_relocate()');
  await expect(page.locator('html')).toHaveAttribute('data-present', 'on');
  await expect.poll(() => page.evaluate<string>('location.hash')).toContain('view=compare');
});

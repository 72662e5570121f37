// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { captionSvg, slideSvg, stepLabel, wrapText, SLIDE_H, SLIDE_W, type SlideContext } from './slide';

const ctx: SlideContext = {
  stepNumber: 13,
  stepCount: 30,
  pos: 12,
  length: 133,
  phase: 'allocate',
  title: 'Sections copied to their final addresses',
  fn: 'move_module',
  file: 'kernel/module/main.c',
  text: '20 sections copied from the temporary image; .bss (NOBITS) not copied: already zero. <struct module> & co.',
  source: 'hello.ko · Linux 6.1.0-50-amd64',
};

function parse(text: string): Document {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror').length).toBe(0);
  return doc;
}

describe('wrapText', () => {
  it('wraps at word boundaries, cuts long words and ends a cut text with an ellipsis', () => {
    expect(wrapText('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapText('x 0123456789abc', 5)).toEqual(['x', '01234', '56789', 'abc']);
    expect(wrapText('one two three four', 8, 2)).toEqual(['one two', 'three…']);
    expect(wrapText('', 10)).toEqual([]);
  });
});

describe('slides', () => {
  it('frames a view 16:9 with the caption, the step number and the view scaled to fit', () => {
    const view = {
      inner: '<rect x="10" y="20" width="800" height="400" fill="#d55e00"/>',
      viewBox: [10, 20, 800, 400] as [number, number, number, number],
    };
    const s = slideSvg(view, ctx);
    expect([s.width, s.height]).toEqual([SLIDE_W, SLIDE_H]);
    const doc = parse(s.text);
    const texts = [...doc.getElementsByTagName('text')].map((t) => t.textContent ?? '');
    expect(texts).toContain('step 13 / 30');
    expect(texts.join(' ')).toContain('move_module()');
    expect(texts.join(' ')).toContain('<struct module> & co.');
    const g = doc.querySelector('g[transform]')!;
    const m = /translate\(([\d.]+),([\d.]+)\) scale\(([\d.]+)\) translate\(-10,-20\)/.exec(g.getAttribute('transform')!)!;
    const [tx, ty, k] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // Inside the slide, centred, as large as the space allows.
    expect(tx).toBeGreaterThanOrEqual(56);
    expect(tx + 800 * k).toBeLessThanOrEqual(SLIDE_W - 56 + 0.5);
    expect(ty + 400 * k).toBeLessThanOrEqual(SLIDE_H - 60);
    expect(Math.abs(tx - 56 - (SLIDE_W - 112 - 800 * k) / 2)).toBeLessThan(0.5);
  });

  it('labels items inside a block and draws the caption alone as a view', () => {
    expect(stepLabel({ ...ctx, item: 'item 3 of 34' })).toBe('step 13 / 30 · item 3 of 34');
    const c = captionSvg({ ...ctx, stepCount: 5310, stepNumber: 412 });
    const doc = parse(c.text);
    expect(doc.documentElement.getAttribute('width')).toBe('1200');
    expect(c.height).toBeGreaterThan(80);
    expect(doc.documentElement.textContent).toContain('step 412 / 5,310');
  });

  it('takes a label in place of the step number and keeps textLines of text beside a view', () => {
    const view = { inner: '<rect x="0" y="0" width="800" height="400"/>', viewBox: [0, 0, 800, 400] as [number, number, number, number] };
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const lines = (c: SlideContext) =>
      [...parse(slideSvg(view, c).text).getElementsByTagName('text')].filter((t) => t.getAttribute('font-size') === '25').length;
    expect(lines({ ...ctx, text: long })).toBe(3);
    expect(lines({ ...ctx, text: long, textLines: 5 })).toBe(5);
    const texts = [...parse(slideSvg(null, { ...ctx, label: 'stop 3 / 19' }).text).getElementsByTagName('text')].map((t) => t.textContent);
    expect(texts).toContain('stop 3 / 19');
    expect(texts).not.toContain('step 13 / 30');
  });
});

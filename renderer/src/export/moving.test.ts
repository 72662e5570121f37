// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import * as d3 from 'd3';
import { moving, movingWithin } from './moving';

const NS = 'http://www.w3.org/2000/svg';

describe('moving(): a view at rest or not', () => {
  it('is true while a D3 transition runs on an element of the document, false once it has ended', async () => {
    document.body.innerHTML = '';
    const svg = document.body.appendChild(document.createElementNS(NS, 'svg'));
    const rect = svg.appendChild(document.createElementNS(NS, 'rect'));
    expect(moving()).toBe(false);
    const ended = new Promise<void>((ok) =>
      d3
        .select(rect)
        .transition()
        .duration(60)
        .attr('x', 10)
        .on('end', () => ok()),
    );
    expect(moving()).toBe(true); // scheduled: not started yet, already pending
    await ended;
    await new Promise((r) => setTimeout(r, 0));
    expect(rect.getAttribute('x')).toBe('10');
    expect(moving()).toBe(false);
  });

  it('is true while a CSS transition or animation runs (getAnimations), false when all have finished', () => {
    const none = document.createDocumentFragment();
    const doc = (playState: string) => ({ querySelectorAll: none.querySelectorAll.bind(none), getAnimations: () => [{ playState }] });
    expect(moving(doc('running'))).toBe(true);
    expect(moving(doc('finished'))).toBe(false);
  });

  it("movingWithin(view): only the view's own transitions count, not those of a view beside it", async () => {
    document.body.innerHTML = '';
    const card = document.body.appendChild(document.createElementNS(NS, 'svg'));
    const map = document.body.appendChild(document.createElementNS(NS, 'svg'));
    const inCard = card.appendChild(document.createElementNS(NS, 'rect'));
    const inMap = map.appendChild(document.createElementNS(NS, 'rect'));
    const mapDone = new Promise<void>((ok) =>
      d3
        .select(inMap)
        .transition()
        .duration(60)
        .attr('x', 5)
        .on('end', () => ok()),
    );
    expect(moving()).toBe(true);
    expect(movingWithin(card)).toBe(false);
    expect(movingWithin(map)).toBe(true);
    await mapDone;
    const cardDone = new Promise<void>((ok) =>
      d3
        .select(card)
        .transition()
        .duration(30)
        .attr('width', 50)
        .on('end', () => ok()),
    );
    expect(movingWithin(card)).toBe(true); // the view's element itself
    await cardDone;
    d3.select(inCard).transition().duration(30).attr('x', 1);
    expect(movingWithin(card)).toBe(true);
  });
});

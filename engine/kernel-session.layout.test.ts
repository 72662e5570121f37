/**
 * seek()'s layout is handed out again while nothing it reads changed (kernel-session.ts layoutAt): after each load and
 * unload (init run on the modelled CPU, a module removed and loaded again, a provider/consumer pair), every position's
 * layout — visited in order and at random, so the same positions are asked again after the module lists changed —
 * equals the one built afresh.
 */
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../host-common/iced-decoder';
import { bootKernel, sample } from '../scripts/test-support/kernel';
import { attachCpu } from './cpu/attach';
import { layoutRows, loadOpened, seek, unload } from './kernel-session';

describe('seek layout reuse', () => {
  it('equals the layout built afresh at every position, after every operation', () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const load = (name: string, args = '') => loadOpened(k, `${name}.ko`, sample(`${name}/${name}.ko`), args, 'finit_module', 0);
    let x = 7;
    let reused = 0;
    let seeks = 0;
    const check = () => {
      const n = k.timeline.length;
      const positions = [...Array(n).keys()];
      const shuffled = positions.map((p) => [p, (x = (Math.imul(x, 1103515245) + 12345) >>> 0)]).sort((a, b) => a[1] - b[1]);
      let last: unknown = null;
      for (const p of [...shuffled.map(([p]) => p), ...positions]) {
        const v = seek(k, p);
        expect(v.layout, `position ${p} of ${n}`).toEqual(layoutRows(k, v.operation, p));
        if (v.layout === last) reused++;
        last = v.layout;
        seeks++;
      }
    };
    for (const op of [
      () => load('hello', 'count=3'),
      () => load('provider'),
      () => load('consumer'),
      () => unload(k, 'consumer', false),
      () => unload(k, 'hello', false),
      () => load('hello'),
    ]) {
      op();
      check();
    }
    expect(k.formerModules.length).toBe(2);
    // The reuse happens (or this test would check nothing).
    expect(reused).toBeGreaterThan(seeks / 3);
  });
});

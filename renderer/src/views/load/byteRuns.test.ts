/** byteRuns: a highlighted byte stays a span of its own; neighbours that look alike become one run, in order. */
import { describe, expect, it } from 'vitest';
import { byteRuns } from './byteRuns';

describe('byteRuns', () => {
  it('keeps highlighted bytes alone and merges alike neighbours, every byte once and in order', () => {
    const bytes = ['e8', '00', '00', '00', '00', '41', '00', '··'];
    const hl = (i: number) => i >= 1 && i < 5;
    const look = (i: number) => `${hl(i) ? ' hl' : ''}${bytes[i] === '··' ? ' unmapped' : bytes[i] === '00' ? ' zero' : ''}`;
    const runs = byteRuns(bytes, look, hl);
    expect(runs).toEqual([
      { look: '', text: 'e8', alone: false },
      { look: ' hl zero', text: '00', alone: true },
      { look: ' hl zero', text: '00', alone: true },
      { look: ' hl zero', text: '00', alone: true },
      { look: ' hl zero', text: '00', alone: true },
      { look: '', text: '41', alone: false },
      { look: ' zero', text: '00', alone: false },
      { look: ' unmapped', text: '··', alone: false },
    ]);
    expect(
      byteRuns(
        ['01', '02', '00', '00', '03'],
        (i) => (i === 2 || i === 3 ? ' zero' : ''),
        () => false,
      ),
    ).toEqual([
      { look: '', text: '01 02', alone: false },
      { look: ' zero', text: '00 00', alone: false },
      { look: '', text: '03', alone: false },
    ]);
  });
});

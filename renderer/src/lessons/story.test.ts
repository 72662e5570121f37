import { describe, expect, it } from 'vitest';
import { LESSON_INDEX } from '../../../engine/tours/index';
import { storyStops, unknownConcepts } from './story';

describe('storyStops', () => {
  it('C03, C05, C06: the 2.4 tour forward, then 6.1, then the 2.4 provider; each stop once', () => {
    const s = storyStops(['C03', 'C05', 'C06'], LESSON_INDEX);
    expect(s.map((x) => `${x.tour}/${x.stop + 1}`)).toEqual([
      'hello-2.4/1',
      'hello-2.4/2',
      'hello-2.4/4',
      'hello-2.4/6',
      'hello-2.4/7',
      'hello-2.4/9',
      'hello/1',
      'hello/2',
      'hello/17',
      'provider-2.4/1',
    ]);
  });
  it('names concepts the index lacks', () => {
    expect(unknownConcepts(['C03', 'C99'], LESSON_INDEX)).toEqual(['C99']);
  });
});

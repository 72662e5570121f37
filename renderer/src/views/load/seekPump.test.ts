/**
 * SeekPump over hello.ko's load (real SeekViews from the engine): the position is committed with its answer in one
 * commit, alone only when the answer is late; a burst of seeks (a held key) sends one at a time, latest wins.
 */
import { describe, expect, it } from 'vitest';
import type { Result, SeekView } from '../../../../engine/api-types';
import { seek } from '../../../../engine/kernel-session';
import { loadModule } from '../../../../engine/load/index';
import { bootKernel, sample } from '../../../../scripts/test-support/kernel';
import { SeekPump, type SeekCommit } from './seekPump';

const k = bootKernel();
const { op } = loadModule(k, { fileName: 'hello.ko', image: sample('hello/hello.ko'), args: 'count=3', syscall: 'finit_module' });

/** A host whose answers the test releases one by one, a clock and timers the test moves. */
function rig() {
  const sent: { pos: number; answer: () => Promise<void> }[] = [];
  const commits: SeekCommit[] = [];
  const errors: string[] = [];
  let now = 0;
  let timers: { at: number; f: () => void; id: number }[] = [];
  let nextId = 1;
  const pump = new SeekPump({
    call: (pos) =>
      new Promise<Result<SeekView>>((resolve) => {
        sent.push({
          pos,
          answer: async () => {
            resolve({ ok: true, value: structuredClone(seek(k, pos)) });
            // Let the .then() run.
            await Promise.resolve();
            await Promise.resolve();
          },
        });
      }),
    commit: (c) => commits.push(c),
    onError: (e) => errors.push(e.message),
    lateMs: 40,
    now: () => now,
    setTimer: (f, ms) => {
      const t = { at: now + ms, f, id: nextId++ };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id) => (timers = timers.filter((t) => t.id !== id)),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((x) => x !== t);
      t.f();
    }
  };
  return { pump, sent, commits, errors, advance };
}

describe('SeekPump over hello.ko insmod', () => {
  const block = Array.from({ length: k.timeline.stepCount() }, (_, i) => k.timeline.step(i)!).find(
    (s) => s.op === op.index && s.block === 'relocations' && s.span >= 4,
  );
  if (!block) throw new Error('no relocation block of 4+ items in hello.ko');

  it('commits the position only together with its answer: one commit, one frame', async () => {
    const { pump, sent, commits } = rig();
    pump.seek(block.pos + 2);
    expect(sent.map((s) => s.pos)).toEqual([block.pos + 2]);
    expect(commits).toEqual([]); // nothing drawn before the answer
    await sent[0].answer();
    expect(commits).toHaveLength(1);
    expect(commits[0].pos).toBe(block.pos + 2);
    expect(commits[0].view?.pos).toBe(block.pos + 2);
    expect(commits[0].view?.item?.kind).toBe('relocation');
  });

  it('commits the position alone when the answer is late, then the answer', async () => {
    const { pump, sent, commits, advance } = rig();
    pump.seek(block.pos + 1);
    advance(39);
    expect(commits).toEqual([]);
    advance(1);
    expect(commits).toEqual([{ pos: block.pos + 1 }]);
    await sent[0].answer();
    expect(commits).toHaveLength(2);
    expect(commits[1].view?.pos).toBe(block.pos + 1);
    // The late timer is not left armed: nothing more is committed.
    advance(100);
    expect(commits).toHaveLength(2);
  });

  it('a burst (key repeat) sends one seek at a time and draws only the newest position', async () => {
    const { pump, sent, commits, advance } = rig();
    pump.seek(block.pos);
    pump.seek(block.pos + 1);
    pump.seek(block.pos + 2);
    pump.seek(block.pos + 3);
    expect(sent.map((s) => s.pos)).toEqual([block.pos]);
    expect(pump.target).toBe(block.pos + 3);
    advance(10);
    await sent[0].answer();
    // Superseded, and asked for only 10 ms ago: not drawn; the newest is sent at once.
    expect(commits).toEqual([]);
    expect(sent.map((s) => s.pos)).toEqual([block.pos, block.pos + 3]);
    await sent[1].answer();
    expect(commits.map((c) => [c.pos, c.view?.pos])).toEqual([[block.pos + 3, block.pos + 3]]);
  });

  it('during a long drag, a superseded answer is drawn once no answer has been for lateMs (cursor at the newest)', async () => {
    const { pump, sent, commits, advance } = rig();
    pump.seek(block.pos);
    await sent[0].answer();
    expect(commits).toHaveLength(1);
    pump.seek(block.pos + 1);
    pump.seek(block.pos + 2);
    advance(45); // the late timer: the cursor alone
    expect(commits[1]).toEqual({ pos: block.pos + 2 });
    pump.seek(block.pos + 3);
    advance(45); // this seek's own late timer
    expect(commits[2]).toEqual({ pos: block.pos + 3 });
    advance(45);
    await sent[1].answer(); // position +1, superseded by +3, nothing drawn for 45 ms: drawn, the cursor at +3
    expect(commits[3].pos).toBe(block.pos + 3);
    expect(commits[3].view?.pos).toBe(block.pos + 1);
  });

  it('reset drops an answer in flight', async () => {
    const { pump, sent, commits } = rig();
    pump.seek(block.pos);
    pump.reset();
    expect(pump.target).toBeNull();
    await sent[0].answer();
    expect(commits).toEqual([]);
    pump.seek(block.pos + 1);
    expect(sent.map((s) => s.pos)).toEqual([block.pos, block.pos + 1]);
  });
});

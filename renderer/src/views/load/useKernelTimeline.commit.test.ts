// @vitest-environment jsdom
/**
 * useKernelTimeline draws a seek's answer in the task that brings it (flushSync), not in a later task of React's
 * scheduler: on a busy core that later task waited behind frames and input (issue #15: seek p99).
 */
import { createElement, act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import type { Result, SeekView, StepInfo } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { useKernelTimeline } from './useKernelTimeline';

type Api = ReturnType<typeof useKernelTimeline>;
const flagged = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

describe('useKernelTimeline commits a seek answer at once', () => {
  it('shows the position and its answer before any other task runs', async () => {
    const step = { pos: 0, op: 0, span: 100 } as unknown as StepInfo;
    const answers: ((r: Result<SeekView>) => void)[] = [];
    const host = {
      call: (method: string, arg: { pos?: number }) => {
        if (method === 'kernel.timeline') return Promise.resolve({ ok: true, value: { length: 100, steps: 1, ops: [] } });
        if (method === 'kernel.steps') return Promise.resolve({ ok: true, value: { total: 1, offset: 0, rows: [step] } });
        if (method === 'kernel.seek') return new Promise<Result<SeekView>>((r) => answers.push(r));
        throw new Error(`unexpected ${method} ${JSON.stringify(arg)}`);
      },
    } as unknown as Host;
    let api: Api | null = null;
    function Probe() {
      api = useKernelTimeline(host, () => {});
      return createElement('div', { id: 'probe', 'data-pos': api.pos, 'data-view': api.view?.pos ?? 'none' });
    }
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    flagged.IS_REACT_ACT_ENVIRONMENT = true;
    await act(async () => {
      root.render(createElement(Probe));
      await Promise.resolve();
    });
    await act(async () => {
      await api!.refresh();
    });
    // From here React runs as in the page: its own scheduler, no act().
    flagged.IS_REACT_ACT_ENVIRONMENT = false;
    const probe = () => el.querySelector('#probe')!;
    api!.seek(42);
    expect(answers).toHaveLength(1);
    const view = { pos: 42, step, log: [], modules: [], allocations: [], layout: [] } as unknown as SeekView;
    let shownInTask: string | null = null;
    // The answer arrives; a macrotask queued now runs after the task that handles it (where the page would paint).
    const later = new Promise<void>((r) =>
      setTimeout(() => {
        shownInTask ??= 'later';
        r();
      }, 0),
    );
    answers[0]({ ok: true, value: view });
    // The pump's .then and the commit are microtasks of this task.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    if (probe().getAttribute('data-view') === '42') shownInTask = 'same task';
    await later;
    expect(shownInTask).toBe('same task');
    expect(probe().getAttribute('data-pos')).toBe('42');
    root.unmount();
  });
});

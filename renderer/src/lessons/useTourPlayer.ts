/**
 * Plays one tour on the app's engine: boots the tour's kernel, opens its sample modules (fetched
 * like the bundled hello.ko), runs the setup lines through kernel.shell, resolves the stops, and
 * seeks to the current one. The stop's caption is filled from the step it lands on.
 */
import { useCallback, useRef, useState } from 'react';
import type { EngineError, SeekView } from '../../../engine/api-types';
import { fillCaption } from '../../../engine/tours/index';
import { runTour, TourRunError, type TourRun } from '../../../engine/tours/index';
import { isTourError } from '../../../engine/tours/index';
import type { Tour } from '../../../engine/tours/index';
import type { Host } from '../host/host';
import { fetchProfile } from '../lib/samples';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${url}`);
  return new Uint8Array(await res.arrayBuffer());
}

export interface PlayerState {
  tour: Tour | null;
  run: TourRun | null;
  /** Index of the current stop. */
  index: number;
  /** The engine's view at the cursor (the stop's position, or where a panel moved it). */
  view: SeekView | null;
  caption: string;
  busy: boolean;
}

const IDLE: PlayerState = { tour: null, run: null, index: 0, view: null, caption: '', busy: false };

function toEngineError(e: unknown): EngineError {
  if (e instanceof TourRunError) return e.error;
  if (isTourError(e)) return { code: 'BAD_REQUEST', message: e.message, field: e.field };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export function useTourPlayer(host: Host, onError: (e: EngineError | null) => void) {
  const [state, setState] = useState<PlayerState>(IDLE);
  const profile = useRef<Uint8Array | null>(null);
  const opened = useRef<string[]>([]);
  const seq = useRef(0);
  const errRef = useRef(onError);
  errRef.current = onError;

  const show = useCallback(
    async (tour: Tour, run: TourRun, index: number, mySeq: number) => {
      const stop = run.stops[index];
      const r = await host.call('kernel.seek', { pos: stop.pos, version: tour.kernel });
      if (mySeq !== seq.current) return;
      if (!r.ok) return errRef.current(r.error);
      let caption: string;
      try {
        caption = fillCaption(tour.stops[index].caption, r.value, tour.id, index);
      } catch (e) {
        errRef.current(toEngineError(e));
        caption = tour.stops[index].caption;
      }
      setState({ tour, run, index, view: r.value, caption, busy: false });
    },
    [host],
  );

  /** Boot, set up and go to stop `index` of the tour. */
  const open = useCallback(
    async (tour: Tour, index = 0) => {
      const mySeq = ++seq.current;
      setState((s) => ({ ...s, busy: true }));
      try {
        for (const id of opened.current.splice(0)) void host.call('close', { id });
        profile.current ??= await fetchProfile();
        const run = await runTour(host, tour, { profile: profile.current, file: (rel) => fetchBytes(`samples/${rel}`) });
        opened.current = run.opened;
        if (mySeq !== seq.current) return;
        errRef.current(null);
        await show(tour, run, Math.max(0, Math.min(index, run.stops.length - 1)), mySeq);
      } catch (e) {
        if (mySeq !== seq.current) return;
        errRef.current(toEngineError(e));
        setState({ ...IDLE });
      }
    },
    [host, show],
  );

  /** Another stop of the open tour. */
  const go = useCallback(
    (index: number) => {
      const { tour, run } = state;
      if (!tour || !run || index < 0 || index >= run.stops.length) return;
      const mySeq = ++seq.current;
      setState((s) => ({ ...s, busy: true }));
      void show(tour, run, index, mySeq);
    },
    [state, show],
  );

  /** Move the cursor inside the current stop's step (a panel's slider or CPU navigation). */
  const seekPos = useCallback(
    (pos: number) => {
      const { tour, run } = state;
      if (!tour || !run) return;
      const mySeq = ++seq.current;
      void host.call('kernel.seek', { pos: Math.max(0, Math.min(pos, run.length - 1)), version: tour.kernel }).then((r) => {
        if (mySeq !== seq.current) return;
        if (r.ok) setState((s) => ({ ...s, view: r.value }));
        else errRef.current(r.error);
      });
    },
    [host, state],
  );

  return { state, open, go, seekPos };
}

/**
 * A tour as a PDF deck, one 16:9 slide a stop: for every stop in order, go there, wait until its
 * view is drawn, capture its figure (the pane the stop is about; a big-text slide when it has none),
 * and frame it with the tour's title, "stop N / M", the stop's concepts and its filled caption.
 * Saved as "<tour-id>-tour.pdf"; the tour then goes back to the stop the user was on.
 */
import { useRef, useState, type RefObject } from 'react';
import type { SeekView } from '../../../engine/api-types';
import type { TourRun } from '../../../engine/tours/index';
import type { Tour } from '../../../engine/tours/index';
import { captureBody, deckSlides, settle, svgsToPdf } from '../export/deckCapture';
import type { SlideContext } from '../export/slide';
import { saveBlob } from '../export/save';
import type { useTourPlayer } from './useTourPlayer';

type Player = ReturnType<typeof useTourPlayer>;

/** "Linux 6.1.0-50-amd64", or the 2.4 model (whose uname -r is the profile's, but whose load path is 2.4's). */
export function tourKernelName(tour: Tour, run: TourRun): string {
  return tour.kernel === '2.4' ? 'Linux 2.4 (modelled modutils insmod)' : `Linux ${run.kernel.release}`;
}

/** What stop `index`'s slide says. */
export function tourSlideContext(tour: Tour, run: TourRun, index: number, view: SeekView, caption: string): SlideContext {
  const n = tour.stops.length;
  return {
    stepNumber: index + 1,
    stepCount: n,
    label: `stop ${index + 1} / ${n}`,
    pos: view.pos,
    length: run.length,
    phase: tour.stops[index].concepts.join(' · '),
    title: tour.title,
    fn: view.step.fn,
    file: view.step.file,
    text: caption,
    textLines: 5,
    source: `${tour.id} tour · samples/${tour.sample} · ${tourKernelName(tour, run)}`,
  };
}

export function TourExport({ player, root }: { player: Player; root: RefObject<HTMLElement | null> }) {
  const [status, setStatus] = useState('');
  const [working, setWorking] = useState(false);
  const latest = useRef(player);
  latest.current = player;

  /** Go to stop i and resolve once its view is on screen and settled. */
  const showStop = async (tour: Tour, i: number) => {
    const target = latest.current.state.run?.stops[i]?.pos;
    latest.current.go(i);
    await settle(
      () => {
        const s = latest.current.state;
        if (s.tour !== tour) throw new Error('another tour was opened');
        return s.index === i && !s.busy && s.view?.pos === target;
      },
      `stop ${i + 1}`,
    );
  };

  const exportDeck = async () => {
    const { tour, run, index: back } = latest.current.state;
    if (!tour || !run) return;
    setWorking(true);
    try {
      const captured: Parameters<typeof deckSlides>[0] = [];
      try {
        for (let i = 0; i < tour.stops.length; i++) {
          setStatus(`capturing stop ${i + 1} of ${tour.stops.length}…`);
          await showStop(tour, i);
          const s = latest.current.state;
          if (!s.view) throw new Error(`stop ${i + 1} has no view`);
          const ctx = tourSlideContext(tour, run, i, s.view, s.caption);
          // The stop's figure (relocation or symbol card, CPU pane, memory map, ring, transcript);
          // a stop whose figure is empty becomes a big-text slide of its caption.
          const fig = root.current?.querySelector<HTMLElement>('[data-testid="tour-figure"]');
          const body = fig && fig.getBoundingClientRect().height > 4 ? captureBody(root.current, 'lesson-stop', true) : null;
          captured.push({ body, ctx });
        }
      } finally {
        if (latest.current.state.tour === tour) latest.current.go(back);
      }
      const pages = deckSlides(captured);
      setStatus('writing the PDF…');
      const blob = await svgsToPdf(pages, `Modscope tour: ${tour.title}`);
      const file = `${tour.id}-tour.pdf`;
      const where = await saveBlob(blob, file);
      setStatus(where ? `saved ${file} (${pages.length} pages)` : 'cancelled');
    } catch (e) {
      setStatus(`failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setWorking(false);
    }
  };

  return (
    <span className="tour-export">
      <button
        type="button"
        className="btn"
        onClick={() => void exportDeck()}
        disabled={working || player.state.busy}
        data-testid="tour-export-pdf"
        title="Export the tour as a PDF deck: one 16:9 slide a stop, with its caption and view"
      >
        Export tour as PDF
      </button>
      {status && (
        <span className="tour-export-status small muted" data-testid="tour-export-status" aria-live="polite">
          {status}
        </span>
      )}
    </span>
  );
}

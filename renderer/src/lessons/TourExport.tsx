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

/** The story being presented: its concepts, its stops (tour id, 0-based stop), and how to go to one. */
export interface StoryDeck {
  ids: string[];
  stops: { tour: string; stop: number }[];
  at: number;
  go: (at: number) => void;
}

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

/** How long a story may take to move into another tour (its kernel booted, its setup run). */
const TOUR_BOOT_MS = 180_000;

/** A deck page's figure kind: pages of one kind share a frame (scale and place), other kinds fill the area themselves. */
function figureKind(tour: Tour, i: number, view: SeekView): string {
  return `${tour.stops[i].view}:${view.item?.kind ?? 'path'}`;
}

export function TourExport({ player, root, story = null }: { player: Player; root: RefObject<HTMLElement | null>; story?: StoryDeck | null }) {
  const [status, setStatus] = useState('');
  const [working, setWorking] = useState(false);
  const latest = useRef(player);
  latest.current = player;
  const storyRef = useRef(story);
  storyRef.current = story;

  /** Resolve once the player shows stop i of the tour `tourId`, its view on screen and settled. */
  const reached = (tourId: string, i: number, what: string) =>
    settle(
      () => {
        const s = latest.current.state;
        return s.tour?.id === tourId && !!s.run && s.index === i && !s.busy && s.view?.pos === s.run.stops[i]?.pos;
      },
      what,
      TOUR_BOOT_MS,
    );

  /** The stop on screen as a page: its figure (a big-text slide when it has none) and what its slide says. */
  const capturePage = (label?: string) => {
    const s = latest.current.state;
    if (!s.tour || !s.run || !s.view) throw new Error(`stop ${s.index + 1} has no view`);
    const ctx = tourSlideContext(s.tour, s.run, s.index, s.view, s.caption);
    // The stop's figure (relocation or symbol card, CPU pane, memory map, ring, transcript, path).
    const fig = root.current?.querySelector<HTMLElement>('[data-testid="tour-figure"]');
    const body = fig && fig.getBoundingClientRect().height > 4 ? captureBody(root.current, 'lesson-stop', true) : null;
    return { body, ctx: label ? { ...ctx, label } : ctx, kind: figureKind(s.tour, s.index, s.view) };
  };

  const write = async (captured: Parameters<typeof deckSlides>[0], title: string, file: string) => {
    const pages = deckSlides(captured, { refit: true });
    setStatus('writing the PDF…');
    const blob = await svgsToPdf(pages, title);
    const where = await saveBlob(blob, file);
    setStatus(where ? `saved ${file} (${pages.length} pages)` : 'cancelled');
  };

  /** While a deck is captured the stage lays its figure out at a slide's width, in the projector's large type (lessons.css: data-deck). */
  const run = async (body: () => Promise<void>) => {
    setWorking(true);
    const stage = root.current?.closest<HTMLElement>('.tour-stage');
    stage?.setAttribute('data-deck', 'on');
    try {
      await body();
    } catch (e) {
      setStatus(`failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      stage?.removeAttribute('data-deck');
      setWorking(false);
    }
  };

  const exportDeck = () =>
    run(async () => {
      const { tour, index: back } = latest.current.state;
      if (!tour) return;
      const captured: Parameters<typeof deckSlides>[0] = [];
      try {
        for (let i = 0; i < tour.stops.length; i++) {
          setStatus(`capturing stop ${i + 1} of ${tour.stops.length}…`);
          latest.current.go(i);
          await reached(tour.id, i, `stop ${i + 1}`);
          captured.push(capturePage());
        }
      } finally {
        if (latest.current.state.tour === tour) latest.current.go(back);
      }
      await write(captured, `Modscope tour: ${tour.title}`, `${tour.id}-tour.pdf`);
    });

  /** The story's stops across its tours, a page each (a tour is played again when the story moves into it). */
  const exportStory = () =>
    run(async () => {
      const st = storyRef.current;
      if (!st) return;
      const back = st.at;
      const captured: Parameters<typeof deckSlides>[0] = [];
      try {
        for (let k = 0; k < st.stops.length; k++) {
          setStatus(`capturing story stop ${k + 1} of ${st.stops.length}…`);
          storyRef.current?.go(k);
          await reached(st.stops[k].tour, st.stops[k].stop, `story stop ${k + 1}`);
          const s = latest.current.state;
          captured.push(capturePage(`story ${k + 1} / ${st.stops.length} · stop ${s.index + 1} / ${s.tour?.stops.length ?? 0}`));
        }
      } finally {
        storyRef.current?.go(back);
      }
      await write(captured, `Modscope story: ${st.ids.join(', ')}`, `story-${st.ids.join('-')}.pdf`);
    });

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
      {story && (
        <button
          type="button"
          className="btn"
          onClick={() => void exportStory()}
          disabled={working || player.state.busy}
          data-testid="story-export-pdf"
          title="Export the story as a PDF deck: one 16:9 slide for each of its stops, across its tours"
        >
          Export story as PDF
        </button>
      )}
      {status && (
        <span className="tour-export-status small muted" data-testid="tour-export-status" aria-live="polite">
          {status}
        </span>
      )}
    </span>
  );
}

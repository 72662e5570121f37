/**
 * Lessons: the course's concepts C01–C34, grouped as in the course material; each leads to the tour
 * stops (or sample files) that show it. Opening a stop plays its tour on the engine — a fresh kernel,
 * the sample modules, the setup lines — and shows the step with its caption, large, as a lecturer
 * would read it. ←/→ or PageUp/PageDown move between the tour's stops.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStepper } from '../present/stepper';
import { tourSlideContext } from './TourExport';
import type { EngineError } from '../../../engine/api-types';
import { CONCEPTS, CONCEPT_GROUPS } from '../../../engine/tours/index';
import { LESSON_INDEX } from '../../../engine/tours/index';
import type { LessonEntry } from '../../../engine/tours/index';
import type { Host } from '../host/host';
import { loadTours } from './tourData';
import { useTourPlayer } from './useTourPlayer';
import { TourStage } from './TourStage';
import { storyStops, unknownConcepts, type StoryStop } from './story';
import './lessons.css';

/** A lesson link: the tour and its stop (0-based here; 1-based in the URL); with story, the concepts and the story's stop. */
export interface LessonWant {
  nonce: number;
  tour: string;
  stop: number;
  story?: string[];
}

interface Story {
  ids: string[];
  stops: StoryStop[];
  at: number;
}

export function LessonsView({
  host,
  active,
  onError,
  want = null,
  onState,
}: {
  host: Host;
  active: boolean;
  onError: (e: EngineError | null) => void;
  want?: LessonWant | null;
  onState?: (s: { tour: string; stop: number; story?: string[] } | null) => void;
}) {
  const { tours, problems } = useMemo(loadTours, []);
  const [concept, setConcept] = useState<string | null>(null);
  const [note, setNote] = useState<Extract<LessonEntry, { sample: string }> | null>(null);
  const player = useTourPlayer(host, onError);
  const { state, open, go } = player;
  const [story, setStory] = useState<Story | null>(null);

  /** Stop `at` of a story: the same tour moves to the stop, another tour is played first. */
  const storyGo = useCallback(
    (st: Story, at: number) => {
      const s = st.stops[at];
      const t = s && tours.get(s.tour);
      if (!t) return;
      setStory({ ...st, at });
      setNote(null);
      if (state.tour?.id === t.id && state.run) go(s.stop);
      else void open(t, s.stop);
    },
    [tours, state.tour, state.run, go, open],
  );

  const pick = useCallback(
    (e: LessonEntry) => {
      if ('tour' in e) {
        const t = tours.get(e.tour);
        if (!t) return onError({ code: 'BAD_REQUEST', message: `no tour "${e.tour}" among the bundled samples` });
        setNote(null);
        setStory(null);
        void open(t, e.stop);
      } else setNote(e);
    },
    [tours, open, onError],
  );

  const pickConcept = useCallback(
    (id: string) => {
      setConcept(id);
      const first = LESSON_INDEX[id]?.[0];
      if (first) pick(first);
    },
    [pick],
  );

  // The presenter's keys (present/usePresenter.ts): stop by stop.
  const pending = useRef<number | null>(null);
  useEffect(() => {
    if (state.busy || pending.current === null || !story) return;
    const at = pending.current;
    pending.current = null;
    storyGo(story, at);
  }, [state.busy, story, storyGo]);
  const n = state.run?.stops.length ?? 0;
  const storyWhere = story && state.tour ? `story ${story.ids.join(' · ')} · ${story.at + 1} / ${story.stops.length} · ` : '';
  useStepper('lessons', {
    slide:
      state.tour && state.run && state.view ? () => tourSlideContext(state.tour!, state.run!, state.index, state.view!, state.caption) : undefined,
    where: state.tour && n ? `${storyWhere}stop ${state.index + 1} / ${n} · ${state.tour.title}` : '',
    move: (m) => {
      if (story) {
        const last = story.stops.length - 1;
        const at = m === 'next' ? story.at + 1 : m === 'prev' ? story.at - 1 : m === 'first' ? 0 : last;
        if (at < 0 || at > last || at === story.at) return;
        // A click while a tour is still being played is kept, and taken as soon as it is ready.
        if (state.busy) {
          pending.current = at;
          setStory({ ...story, at });
        } else storyGo(story, at);
        return;
      }
      if (!state.run || note) return;
      if (m === 'next') go(state.index + 1);
      else if (m === 'prev') go(state.index - 1);
      else go(m === 'first' ? 0 : n - 1);
    },
  });

  // A link's tour and stop (once per nonce); a tour or stop the bundle lacks is said, not dropped.
  const applied = useRef(0);
  useEffect(() => {
    if (!want || applied.current === want.nonce) return;
    applied.current = want.nonce;
    if (want.story) {
      const bad = unknownConcepts(want.story, LESSON_INDEX);
      if (bad.length) return onError({ code: 'BAD_REQUEST', message: `link: story names ${bad.join(', ')}, not in the lesson index (C01–C34)` });
      const stops = storyStops(want.story, LESSON_INDEX);
      if (!stops.length) return onError({ code: 'BAD_REQUEST', message: `link: story ${want.story.join(',')} has no tour stops` });
      if (want.stop < 0 || want.stop >= stops.length)
        onError({
          code: 'BAD_REQUEST',
          message: `link: story ${want.story.join(',')} has ${stops.length} stops, the link asks for stop ${want.stop + 1}`,
        });
      setConcept(want.story[0]);
      storyGo({ ids: want.story, stops, at: 0 }, Math.max(0, Math.min(want.stop, stops.length - 1)));
      return;
    }
    setStory(null);
    const t = tours.get(want.tour);
    if (!t)
      return onError({ code: 'BAD_REQUEST', message: `link: no tour "${want.tour}" among the bundled samples (${[...tours.keys()].join(', ')})` });
    if (want.stop < 0 || want.stop >= t.stops.length)
      onError({ code: 'BAD_REQUEST', message: `link: tour "${want.tour}" has ${t.stops.length} stops, the link asks for stop ${want.stop + 1}` });
    setConcept(t.stops[0]?.concepts[0] ?? null);
    setNote(null);
    if (state.tour?.id === t.id && state.run) go(Math.max(0, Math.min(want.stop, t.stops.length - 1)));
    else void open(t, Math.max(0, Math.min(want.stop, t.stops.length - 1)));
  }, [want, tours, open, go, state.tour, state.run, onError, storyGo]);

  const stateRef = useRef(onState);
  stateRef.current = onState;
  useEffect(() => {
    if (!state.tour || !state.run || state.busy) return;
    const s = story?.stops[story.at];
    if (story && s && s.tour === state.tour.id && s.stop === state.index) stateRef.current?.({ tour: '', stop: story.at, story: story.ids });
    else if (!story) stateRef.current?.({ tour: state.tour.id, stop: state.index });
  }, [state.tour, state.run, state.index, state.busy, story]);

  const entries = concept ? (LESSON_INDEX[concept] ?? []) : [];

  return (
    <div className="lessons-view" hidden={!active} data-testid="lessons-view" data-busy={state.busy ? 'yes' : 'no'}>
      <nav className="lesson-index" aria-label="Lesson index" data-testid="lesson-index">
        {problems.length > 0 && (
          <div className="lesson-problems err-text" data-testid="tour-problems">
            {problems.map((p) => (
              <div key={p}>{p}</div>
            ))}
          </div>
        )}
        {CONCEPT_GROUPS.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <ul>
              {CONCEPTS.filter((c) => c.group === g).map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className={`concept${concept === c.id ? ' on' : ''}`}
                    data-testid={`concept-${c.id}`}
                    aria-pressed={concept === c.id}
                    onClick={() => pickConcept(c.id)}
                  >
                    <span className="concept-id">{c.id}</span> {c.title}
                  </button>
                  {concept === c.id && entries.length > 0 && (
                    <ul className="concept-entries" data-testid="concept-entries">
                      <li>
                        <button
                          type="button"
                          className="entry story-start"
                          data-testid="story-start"
                          title="The clicker steps through this concept's stops, across tours (a link: #view=lessons&story=C03,C05,C06)"
                          onClick={() => {
                            const stops = storyStops([c.id], LESSON_INDEX);
                            if (stops.length) storyGo({ ids: [c.id], stops, at: 0 }, 0);
                          }}
                        >
                          ▶ <strong>present {c.id}&apos;s stops as a story</strong>
                        </button>
                      </li>
                      {entries.map((e, i) => {
                        const t = 'tour' in e ? tours.get(e.tour) : null;
                        const current = 'tour' in e && state.tour?.id === e.tour && state.index === e.stop && !note;
                        return (
                          <li key={i}>
                            <button type="button" className={`entry${current ? ' on' : ''}`} onClick={() => pick(e)} data-testid="concept-entry">
                              {'tour' in e ? (
                                <>
                                  <strong>{t?.title ?? e.tour}</strong>{' '}
                                  <span className="muted">
                                    · stop {e.stop + 1}
                                    {t?.stops[e.stop] ? ` · ${t.stops[e.stop].at.fn} · Linux ${t.kernel}` : ''}
                                  </span>
                                </>
                              ) : (
                                <>
                                  <strong>{e.file}</strong> <span className="muted">· sample file</span>
                                </>
                              )}
                            </button>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </nav>
      <TourStage
        player={player}
        host={host}
        onError={onError}
        note={note}
        story={story ? { ids: story.ids, at: story.at, n: story.stops.length, stops: story.stops, go: (at) => storyGo(story, at) } : null}
      />
    </div>
  );
}

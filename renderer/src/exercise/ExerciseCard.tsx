/**
 * The exercise card a tab shows above its view: the set-up (seed, student, count, kinds, the
 * lecturer's sheet and key), then one question at a time — typed or picked answer, Check, the
 * parts marked right or wrong beside the key, the explanation — a running score, and the summary.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { EngineError, QuizKind, QuizPart, QuizQuestion } from '../../../engine/api-types';
import type { Host } from '../host/host';
import { KIND_LABEL, randomSeed } from './kinds';
import { SHEET_FILES, saveSheet, type SheetFile } from './sheetExport';
import { scoreOf, type Exercise, type ExerciseSetup } from './useExercise';
import './exercise.css';

/** `code` spans of a prompt as <code>. */
function inline(s: string): ReactNode {
  return s.split(/(`[^`]+`)/).map((t, i) => (t.startsWith('`') && t.endsWith('`') && t.length > 1 ? <code key={i}>{t.slice(1, -1)}</code> : t));
}

function Prompt({ text }: { text: string }) {
  const lines = text.split('\n');
  return (
    <div className="ex-prompt" data-testid="exercise-prompt">
      {lines.map((l, i) =>
        /^\d+\. </.test(l) ? (
          <div key={i} className="ex-record mono">
            {l}
          </div>
        ) : (
          <p key={i}>{inline(l)}</p>
        ),
      )}
    </div>
  );
}

const PLACEHOLDER: Record<QuizPart['format'], string> = {
  'hex-bytes': 'bytes in hex, e.g. 48 8b 05 00',
  number: 'hex (0x…) or decimal',
  list: 'numbers, e.g. 1, 3 — or none',
  text: 'your answer',
  choice: '',
};

function PartInput({
  part,
  i,
  value,
  onChange,
  disabled,
}: {
  part: QuizPart;
  i: number;
  value: string;
  onChange: (v: string) => void;
  disabled: boolean;
}) {
  const id = `ex-part-${i}`;
  if (part.format === 'choice' && part.choices) {
    const short = part.choices.every((c) => c.length <= 28) && part.choices.length <= 6;
    return (
      <div className="ex-part" data-testid="exercise-part" data-format="choice">
        <span className="ex-label">{part.label}</span>
        {short ? (
          <div className="segmented ex-choices" role="radiogroup" aria-label={part.label}>
            {part.choices.map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                aria-checked={value === c}
                className={value === c ? 'on' : ''}
                disabled={disabled}
                onClick={() => onChange(c)}
                data-testid="exercise-choice"
              >
                {c}
              </button>
            ))}
          </div>
        ) : (
          <select
            id={id}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            disabled={disabled}
            aria-label={part.label}
            data-testid="exercise-select"
          >
            <option value="">— pick one —</option>
            {part.choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
      </div>
    );
  }
  return (
    <label className="ex-part" data-testid="exercise-part" data-format={part.format} htmlFor={id}>
      <span className="ex-label">{part.label}</span>
      <input
        id={id}
        className={part.format === 'text' ? '' : 'mono'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={PLACEHOLDER[part.format]}
        disabled={disabled}
        spellCheck={false}
        autoComplete="off"
        data-testid="exercise-input"
      />
    </label>
  );
}

function Marked({ q, given, marks }: { q: QuizQuestion; given: string[]; marks: boolean[] }) {
  return (
    <table className="ex-marked" data-testid="exercise-marked">
      <tbody>
        {q.parts.map((p, i) => (
          <tr key={i} className={marks[i] ? 'right' : 'wrong'} data-testid="exercise-mark" data-right={marks[i] ? 'yes' : 'no'}>
            <td className="ex-tick" aria-label={marks[i] ? 'right' : 'wrong'}>
              {marks[i] ? '✓' : '✗'}
            </td>
            <td className="ex-label">{p.label}</td>
            <td>
              <span className="muted small">yours </span>
              <code className="ex-yours">{given[i]?.trim() || '—'}</code>
            </td>
            <td>
              <span className="muted small">kernel </span>
              <code className="ex-key" data-testid="exercise-key">
                {p.answer.replace(/\n/g, ' ⏎ ')}
              </code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where the question is asked: the step's number only (its function or title could give the answer away), all of it once revealed. */
function StepRef({ q, revealed }: { q: QuizQuestion; revealed: boolean }) {
  return (
    <div className="ex-step muted small" data-testid="exercise-step">
      {revealed ? 'revealed at' : 'asked at'} step {q.step.number.toLocaleString('en-US')}
      {q.kernel === '2.4' ? ' of Linux 2.4' : q.kind === 'compare' ? ' of Linux 6.1' : ''}
      {revealed && (
        <>
          {' '}
          · <code>{/^[A-Za-z_]\w*$/.test(q.step.fn) ? `${q.step.fn}()` : q.step.fn}</code> — {q.step.title}
        </>
      )}
    </div>
  );
}

/** Seed, student, count and kinds; start, or export the lecturer's files without taking the exercise. */
function Setup({
  initial,
  kinds,
  busy,
  onStart,
  onExport,
  note,
}: {
  initial: ExerciseSetup;
  kinds: QuizKind[];
  busy: boolean;
  onStart: (s: ExerciseSetup) => void;
  onExport: (s: ExerciseSetup, f: SheetFile) => void;
  note: string;
}) {
  const [seed, setSeed] = useState(String(initial.seed));
  const [student, setStudent] = useState(initial.student);
  const [count, setCount] = useState(String(initial.count));
  const [chosen, setChosen] = useState<QuizKind[]>(initial.kinds.length ? initial.kinds : kinds);
  const seedOk = /^\d{1,10}$/.test(seed) && Number(seed) <= 0xffffffff;
  const countOk = /^\d{1,3}$/.test(count) && Number(count) >= 1 && Number(count) <= 100;
  const ok = seedOk && countOk && chosen.length > 0 && !busy;
  const setup = (): ExerciseSetup => ({ seed: Number(seed), student: student.trim(), count: Number(count), kinds: chosen });
  return (
    <form
      className="ex-setup"
      data-testid="exercise-setup"
      onSubmit={(e) => {
        e.preventDefault();
        if (ok) onStart(setup());
      }}
    >
      <div className="ex-row">
        <label>
          <span className="muted">seed</span>
          <input className="mono ex-seed" value={seed} onChange={(e) => setSeed(e.target.value)} inputMode="numeric" data-testid="exercise-seed" />
        </label>
        <button type="button" className="btn ghost small" title="Another seed" onClick={() => setSeed(String(randomSeed()))}>
          ⟲
        </button>
        <label title="Mixed into the seed: every student gets a different set, the lecturer's key for that name checks it">
          <span className="muted">student</span>
          <input
            className="ex-student"
            value={student}
            onChange={(e) => setStudent(e.target.value)}
            placeholder="name or number"
            data-testid="exercise-student"
          />
        </label>
        <label>
          <span className="muted">questions</span>
          <input
            className="mono ex-count"
            value={count}
            onChange={(e) => setCount(e.target.value)}
            inputMode="numeric"
            data-testid="exercise-count"
          />
        </label>
        <button type="submit" className="btn primary" disabled={!ok} data-testid="exercise-start">
          Start
        </button>
      </div>
      {kinds.length > 1 && (
        <div className="ex-row ex-kinds" role="group" aria-label="Question kinds">
          <span className="muted small">kinds</span>
          {kinds.map((k) => (
            <label key={k} className="ex-kind small">
              <input
                type="checkbox"
                checked={chosen.includes(k)}
                onChange={(e) => setChosen((c) => (e.target.checked ? kinds.filter((x) => x === k || c.includes(x)) : c.filter((x) => x !== k)))}
                data-testid={`exercise-kind-${k}`}
              />{' '}
              {KIND_LABEL[k]}
            </label>
          ))}
        </div>
      )}
      {!seedOk && <div className="err-text small">The seed is an integer 0…4294967295.</div>}
      {!countOk && <div className="err-text small">Between 1 and 100 questions.</div>}
      {chosen.length === 0 && <div className="err-text small">Choose at least one kind of question.</div>}
      <div className="muted small">{note}</div>
      <div className="ex-row ex-exports" role="group" aria-label="The lecturer's sheet and key">
        <span className="muted small">For the lecturer, this seed's</span>
        {SHEET_FILES.map((f) => (
          <button
            key={f.id}
            type="button"
            className="btn small"
            disabled={!ok}
            title={f.title}
            onClick={() => onExport(setup(), f.id)}
            data-testid={`exercise-export-${f.id}`}
          >
            {f.label}
          </button>
        ))}
      </div>
    </form>
  );
}

export function ExerciseCard({
  ex,
  host,
  kinds,
  initial,
  autoStart,
  note,
  onError,
  onClose,
}: {
  ex: Exercise;
  host: Host;
  /** Kinds this tab can reveal. */
  kinds: QuizKind[];
  initial: ExerciseSetup;
  /** Start at once (a link gave the seed); once per distinct value. */
  autoStart: number | null;
  /** What starting does to the tab (reboots the kernel…). */
  note: string;
  onError: (e: EngineError | null) => void;
  onClose: () => void;
}) {
  const { state } = ex;
  const { quiz, index, phase } = state;
  const q = quiz?.questions[index] ?? null;
  const score = scoreOf(state);
  const [lastSetup, setLastSetup] = useState<ExerciseSetup>(initial);
  const [saved, setSaved] = useState<string | null>(null);

  const started = useRef<number | null>(null);
  useEffect(() => {
    if (autoStart === null || started.current === autoStart || phase !== 'idle') return;
    started.current = autoStart;
    setLastSetup(initial);
    void ex.start(initial);
  }, [autoStart, initial, ex, phase]);

  const exportFile = async (setup: ExerciseSetup, f: SheetFile) => {
    setSaved('Preparing…');
    try {
      // The running (or finished) exercise as it is; in the set-up, the one these fields give.
      const req = ex.request(setup);
      const qz = quiz ?? (await ex.generate(setup));
      if (!qz || !req) return setSaved(null);
      const where = await saveSheet(host, qz, req, f);
      setSaved(where ? `Saved ${where === 'download' ? 'as a download' : where}` : null);
    } catch (e) {
      setSaved(null);
      onError(e && typeof e === 'object' && 'code' in e ? (e as EngineError) : { code: 'INTERNAL', message: String(e) });
    }
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.key !== 'Enter' || e.shiftKey) return;
    if (phase === 'asking' && !state.busy) {
      e.preventDefault();
      void ex.check();
    } else if (phase === 'revealed' && !state.busy) {
      e.preventDefault();
      void ex.next();
    }
  };

  const head = quiz && (
    <div className="ex-head">
      <strong>Exercise</strong>
      <span className="muted small" data-testid="exercise-where" title={`${quiz.module}${quiz.args ? ` ${quiz.args}` : ''}`}>
        seed {quiz.seed}
        {quiz.student ? ` · ${quiz.student}` : ''}
        {phase !== 'done' ? ` · question ${index + 1} of ${quiz.questions.length}` : ''}
      </span>
      <span className="spacer" />
      <span className="ex-dots" aria-hidden>
        {state.marks.map((m, i) => (
          <button
            key={i}
            type="button"
            className={`ex-dot${m ? (m.correct ? ' right' : ' wrong') : ''}${i === index && phase !== 'done' ? ' current' : ''}`}
            title={`question ${i + 1}${m ? (m.correct ? ': right' : ': wrong') : ''}`}
            tabIndex={-1}
            disabled={state.busy || (!m && i !== index)}
            onClick={() => void ex.review(i)}
          />
        ))}
      </span>
      <span className="ex-score" data-testid="exercise-score" data-right={score.right} data-marked={score.marked}>
        score {score.right} / {score.marked}
      </span>
      <button type="button" className="btn ghost small" onClick={() => ex.stop()} title="Leave the exercise" data-testid="exercise-leave">
        ✕
      </button>
    </div>
  );

  const busyText = useMemo(
    () => (phase === 'preparing' ? 'Reading the questions off a fresh trace of the module, then replaying it here…' : ''),
    [phase],
  );

  return (
    <div
      className={`card exercise-card ph-${phase}`}
      data-testid="exercise-card"
      data-phase={phase}
      data-busy={state.busy ? 'yes' : 'no'}
      onKeyDown={onKey}
    >
      {phase === 'idle' && (
        <>
          <div className="ex-head">
            <strong>Exercise: predict, then reveal</strong>
            <span className="spacer" />
            <button type="button" className="btn ghost small" onClick={onClose} aria-label="Close the exercise" data-testid="exercise-close">
              ✕
            </button>
          </div>
          <div className="muted small">Each question is read off this module's real trace; its step stays hidden until you answer.</div>
          <Setup
            initial={lastSetup}
            kinds={kinds}
            busy={state.busy}
            note={note}
            onStart={(s) => {
              setLastSetup(s);
              void ex.start(s);
            }}
            onExport={(s, f) => void exportFile(s, f)}
          />
          {saved && (
            <div className="muted small" data-testid="exercise-saved">
              {saved}
            </div>
          )}
        </>
      )}
      {phase === 'preparing' && <div className="muted">{busyText}</div>}
      {head}
      {q && (phase === 'asking' || phase === 'revealed') && (
        <div className="ex-question" data-testid="exercise-question" data-kind={q.kind} data-n={q.n}>
          <div className="ex-qhead">
            <span className="ex-kind-chip">{KIND_LABEL[q.kind]}</span>
            <StepRef q={q} revealed={phase === 'revealed'} />
          </div>
          <Prompt text={q.prompt} />
          {phase === 'asking' ? (
            <form
              className="ex-parts"
              onSubmit={(e) => {
                e.preventDefault();
                void ex.check();
              }}
            >
              {q.parts.map((p, i) => (
                <PartInput
                  key={`${q.n}-${i}`}
                  part={p}
                  i={i}
                  value={state.given[index]?.[i] ?? ''}
                  onChange={(v) => ex.answer(i, v)}
                  disabled={state.busy}
                />
              ))}
              <div className="ex-row">
                <button type="submit" className="btn primary" disabled={state.busy} data-testid="exercise-check">
                  Check and reveal
                </button>
                <span className="muted small">The view behind is on this step, hidden until you answer.</span>
              </div>
            </form>
          ) : (
            <>
              <div className={`ex-verdict ${state.marks[index]?.correct ? 'right' : 'wrong'}`} data-testid="exercise-verdict">
                {state.marks[index]?.correct ? '✓ Right' : '✗ Not quite'}
              </div>
              <Marked q={q} given={state.given[index] ?? []} marks={state.marks[index]?.parts ?? []} />
              <p className="ex-explain" data-testid="exercise-explanation">
                {inline(q.explanation)}
              </p>
              <div className="ex-row">
                <button type="button" className="btn primary" disabled={state.busy} onClick={() => void ex.next()} data-testid="exercise-next">
                  {index + 1 < (quiz?.questions.length ?? 0) ? 'Next question' : 'Finish'}
                </button>
                <span className="muted small">The step is shown below: look around, then go on.</span>
              </div>
            </>
          )}
          {state.problem && (
            <div className="err-text small" data-testid="exercise-problem">
              {state.problem}
            </div>
          )}
        </div>
      )}
      {quiz && phase === 'done' && (
        <div className="ex-done" data-testid="exercise-done">
          <div className="ex-final">
            <strong data-testid="exercise-final">
              {score.right} of {quiz.questions.length} right
            </strong>
            <span className="muted"> · seed {quiz.seed}</span>
          </div>
          <table className="ex-summary" data-testid="exercise-summary">
            <tbody>
              {quiz.questions.map((x, i) => (
                <tr
                  key={i}
                  className={state.marks[i]?.correct ? 'right' : 'wrong'}
                  onClick={() => void ex.review(i)}
                  title="Show this question and its step again"
                >
                  <td className="num">{x.n}</td>
                  <td className="ex-tick">{state.marks[i]?.correct ? '✓' : '✗'}</td>
                  <td className="ex-sum-kind">{KIND_LABEL[x.kind]}</td>
                  <td className="ex-sum-prompt">{x.prompt.split('\n')[0].replace(/`/g, '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="ex-row">
            <button type="button" className="btn primary" onClick={() => ex.stop()} data-testid="exercise-again">
              Another exercise
            </button>
            <span className="spacer" />
            {SHEET_FILES.map((f) => (
              <button
                key={f.id}
                type="button"
                className="btn small"
                title={f.title}
                onClick={() => void exportFile(lastSetup, f.id)}
                data-testid={`exercise-export-${f.id}`}
              >
                {f.label}
              </button>
            ))}
          </div>
          {saved && <div className="muted small">{saved}</div>}
        </div>
      )}
    </div>
  );
}

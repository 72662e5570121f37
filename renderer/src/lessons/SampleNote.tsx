/** A concept shown outside the load trace: the sample file that shows it, with a note. */
import type { LessonEntry } from '../../../engine/tours/index';
import { sampleSource } from './tourData';

export function SampleNote({ note }: { note: Extract<LessonEntry, { sample: string }> }) {
  const text = sampleSource(note.file);
  return (
    <div className="lesson-note" data-testid="lesson-note">
      <p className="lesson-caption" data-testid="lesson-caption">
        {note.note}
      </p>
      <div className="card">
        <h3>
          samples/<code>{note.file}</code>
        </h3>
        {text === null ? <p className="muted">This file is not among the bundled samples.</p> : <pre className="lesson-source">{text}</pre>}
      </div>
    </div>
  );
}

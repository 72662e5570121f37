/**
 * The lecturer's sheet and key from the app: PDF drawn by host-common/quiz-pdf.ts (the same as
 * `modscope quiz --sheet`), Markdown from the engine (quiz.sheet), saved as a download or through
 * Electron's save dialog.
 */
import type { Quiz, QuizRequest } from '../../../engine/api-types';
import type { Host } from '../host/host';
import { fileStem, saveBlob } from '../export/save';

export type SheetFile = 'sheet-pdf' | 'key-pdf' | 'sheet-md' | 'key-md';

export const SHEET_FILES: { id: SheetFile; label: string; title: string }[] = [
  { id: 'sheet-pdf', label: 'Sheet PDF', title: 'The questions, with room for answers: for the students' },
  { id: 'key-pdf', label: 'Key PDF', title: 'Every answer, the step that reveals it and why: for the lecturer' },
  { id: 'sheet-md', label: 'Sheet .md', title: 'The sheet as Markdown' },
  { id: 'key-md', label: 'Key .md', title: 'The key as Markdown' },
];

/** hello-seed17-ana.key.pdf */
export function sheetFileName(quiz: Pick<Quiz, 'module' | 'seed' | 'student'>, file: SheetFile): string {
  const who = quiz.student ? `-${fileStem(quiz.student)}` : '';
  const key = file.startsWith('key') ? '.key' : '';
  return `${fileStem(quiz.module)}-seed${quiz.seed}${who}${key}.${file.endsWith('pdf') ? 'pdf' : 'md'}`;
}

/** Save one of the four files; returns where it went (see saveBlob), or throws the engine's error. */
export async function saveSheet(host: Host, quiz: Quiz, req: QuizRequest, file: SheetFile): Promise<string | null> {
  const name = sheetFileName(quiz, file);
  if (file.endsWith('pdf')) {
    const { quizPdf } = await import('../../../host-common/quiz-pdf');
    const bytes = quizPdf(quiz, file === 'key-pdf');
    return saveBlob(new Blob([bytes.slice().buffer], { type: 'application/pdf' }), name);
  }
  const r = await host.call('quiz.sheet', req);
  if (!r.ok) throw r.error;
  return saveBlob(new Blob([file === 'key-md' ? r.value.key : r.value.sheet], { type: 'text/markdown' }), name);
}

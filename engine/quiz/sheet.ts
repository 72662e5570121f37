/** An exercise as Markdown: the sheet the students get and the lecturer's key. */
import type { Quiz, QuizQuestion } from './types';

function header(q: Quiz, key: boolean): string[] {
  const who = q.student ? ` · student ${q.student}` : '';
  return [
    `# ${key ? 'Answer key' : 'Exercise'}: ${q.module}${q.args ? ` ${q.args}` : ''}`,
    '',
    `Modscope · Linux ${q.kernel === '2.4' ? '2.4 model' : '6.1.0-50-amd64 (Debian 12)'} · seed ${q.seed}${who} · ${q.questions.length} questions ` +
      `(${q.kinds.join(', ')})`,
    '',
    key
      ? "Each answer is read from the modelled kernel's trace; the step that reveals it is named."
      : 'Predict each answer, then check it in Modscope at the step given in the key.',
    '',
  ];
}

function question(q: QuizQuestion, key: boolean): string[] {
  const out = [`## ${q.n}. ${q.kind}`, '', ...q.prompt.split('\n').map((l) => (/^\d+\. /.test(l) ? `    ${l}` : l)), ''];
  for (const p of q.parts) {
    if (key) out.push(`- **${p.label}:** \`${p.answer.replace(/\n/g, ' ⏎ ')}\``);
    else out.push(`- ${p.label}${p.choices ? ` (${p.choices.join(' / ')})` : ''}: ____________`);
  }
  if (key) out.push('', `Step ${q.step.number} (position ${q.pos}, ${q.kernel}): ${q.step.fn}() — ${q.step.title}`, '', q.explanation);
  out.push('');
  return out;
}

export function quizMarkdown(q: Quiz, key: boolean): string {
  return [...header(q, key), ...q.questions.flatMap((x) => question(x, key))].join('\n');
}

/** Sheet, then the key on its own part of the file. */
export function sheetAndKeyMarkdown(q: Quiz): string {
  return `${quizMarkdown(q, false)}\n---\n\n${quizMarkdown(q, true)}`;
}

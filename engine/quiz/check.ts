/**
 * Marking a student's answer against the key: lenient about spelling that does not change the fact
 * (case, spaces, 0x, leading zeros, a dmesg timestamp), strict about the fact itself.
 */
import type { QuizMarked, QuizPart, QuizQuestion } from './types';

function words(s: string): string {
  return s
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s*\[\s*\d+\.\d+\]\s*/, '')
        .trim()
        .replace(/\s+/g, ' '),
    )
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

/** "0x1000", "1000h", "4096" → 4096n; null when it is not a number. Bare digit strings are read as hex only with a-f in them. */
export function parseNumber(s: string): bigint | null {
  const t = s.trim().toLowerCase().replace(/_/g, '');
  try {
    if (/^-?0x[0-9a-f]+$/.test(t)) return t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t);
    if (/^[0-9a-f]+h$/.test(t)) return BigInt(`0x${t.slice(0, -1)}`);
    if (/^-?\d+$/.test(t)) return BigInt(t);
    if (/^[0-9a-f]+$/.test(t)) return BigInt(`0x${t}`);
  } catch {
    return null;
  }
  return null;
}

function hexBytes(s: string): string | null {
  const t = s
    .toLowerCase()
    .replace(/0x/g, '')
    .replace(/[\s,:]+/g, '');
  return /^([0-9a-f]{2})+$/.test(t) ? t : null;
}

function list(s: string): string {
  const t = s.toLowerCase().trim();
  if (t === '' || t === 'none' || t === '-') return 'none';
  return [
    ...new Set(
      t
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map((x) => String(Number(x))),
    ),
  ]
    .sort((a, b) => Number(a) - Number(b))
    .join(',');
}

export function checkPart(part: Pick<QuizPart, 'format' | 'answer'> & Partial<QuizPart>, given: string): boolean {
  switch (part.format) {
    case 'hex-bytes': {
      const a = hexBytes(part.answer);
      return a !== null && a === hexBytes(given);
    }
    case 'number': {
      const a = parseNumber(part.answer);
      const g = parseNumber(given);
      if (a !== null && g !== null) return a === g;
      return words(part.answer) === words(given);
    }
    case 'list':
      return list(part.answer) === list(given);
    case 'choice':
    case 'text':
      return words(part.answer) === words(given);
  }
}

export type Marked = QuizMarked;

/** Every part must be right for the question to count. */
export function checkParts(parts: readonly Pick<QuizPart, 'format' | 'answer'>[], given: readonly string[]): Marked {
  const marks = parts.map((p, i) => checkPart(p, given[i] ?? ''));
  return { parts: marks, correct: marks.length > 0 && marks.every(Boolean) };
}

export function checkAnswer(q: QuizQuestion, given: readonly string[]): Marked {
  return checkParts(q.parts, given);
}

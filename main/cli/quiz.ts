/**
 * `modscope quiz <module.ko> [name=value …] [--seed N] [--student S] [--count N] [--kinds k1,k2]
 *  [--kernel 2.4] [--with dep.ko …] [--json] [--sheet out.pdf|out.md]`: an exercise read off the
 *  module's trace, with its answers; the same seed (and student) gives the same questions.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { generateQuiz, QuizError, QUIZ_KINDS, quizMarkdown, type Quiz, type QuizKind } from '../../engine/quiz/index';
import { quizPdf } from '../../host-common/quiz-pdf';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { optionValue } from './args';
import { CliError } from './errors';
import { loadProfile, readModuleFile } from './kernel-files';
import { BufferedWriter, type Sink } from './out';

export interface QuizOptions {
  file: string;
  params: string[];
  seed: number;
  student: string;
  count: number;
  kinds: QuizKind[];
  kernel: '6.1' | '2.4';
  with: string[];
  json: boolean;
  sheet: string | null;
}

export function parseQuizArgs(argv: readonly string[]): QuizOptions {
  const o: QuizOptions = { file: '', params: [], seed: 0, student: '', count: 10, kinds: [], kernel: '6.1', with: [], json: false, sheet: null };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => optionValue(argv, ++i, a);
    if (a === '--json') o.json = true;
    else if (a === '--seed') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new CliError('USAGE', `--seed needs an integer 0..4294967295, got "${v}"`, undefined, 1);
      o.seed = Number(v);
    } else if (a === '--count') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 100)
        throw new CliError('USAGE', `--count needs an integer 1..100, got "${v}"`, undefined, 1);
      o.count = Number(v);
    } else if (a === '--kinds') {
      const ks = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = ks.find((k) => !(QUIZ_KINDS as readonly string[]).includes(k));
      if (bad !== undefined) throw new CliError('USAGE', `unknown question kind "${bad}" (kinds: ${QUIZ_KINDS.join(', ')})`, undefined, 1);
      o.kinds = ks as QuizKind[];
    } else if (a === '--kernel') {
      const v = value();
      if (v !== '6.1' && v !== '2.4') throw new CliError('USAGE', `--kernel is 6.1 or 2.4, got "${v}"`, undefined, 1);
      o.kernel = v;
    } else if (a === '--student') o.student = value();
    else if (a === '--with') o.with.push(value());
    else if (a === '--sheet') {
      const v = value();
      if (!/\.(pdf|md)$/i.test(v)) throw new CliError('USAGE', `--sheet needs a .pdf or .md file name, got "${v}"`, undefined, 1);
      o.sheet = v;
    } else if (a.startsWith('--')) throw new CliError('USAGE', `unknown option ${a} (see modscope --help)`, undefined, 1);
    else rest.push(a);
  }
  if (rest.length === 0) throw new CliError('USAGE', 'quiz needs a module file (see modscope --help)', undefined, 1);
  o.file = rest[0];
  o.params = rest.slice(1);
  return o;
}

/** The key's file name beside the sheet's: out.pdf → out.key.pdf. */
export function keyPath(sheet: string): string {
  return sheet.replace(/\.(pdf|md)$/i, '.key.$1');
}

function text(q: Quiz): string {
  const lines = [
    `Exercise on ${q.module}${q.args ? ` ${q.args}` : ''} · Linux ${q.kernel} · seed ${q.seed}` +
      `${q.student ? ` · student ${q.student}` : ''} · ${q.questions.length} questions`,
    '',
  ];
  for (const x of q.questions) {
    lines.push(`${x.n}. [${x.kind}] ${x.prompt.split('\n').join('\n     ')}`);
    for (const p of x.parts) lines.push(`   ${p.label}: ${p.answer.split('\n').join(' ⏎ ')}`);
    lines.push(`   → step ${x.step.number} (position ${x.pos}, ${x.kernel}) ${x.step.fn}: ${x.step.title}`, '');
  }
  return lines.join('\n');
}

export async function quizCommand(o: QuizOptions, write: Sink): Promise<number> {
  const mod = await readModuleFile(o.file);
  const deps = await Promise.all(
    o.with.map(async (f) => ({ name: basename(f).replace(/\.(xz|zst|gz)$/, ''), bytes: (await readModuleFile(f)).bytes })),
  );
  let q: Quiz;
  try {
    q = generateQuiz({
      profile: loadProfile(),
      decoder: createIcedDecoder(),
      module: { name: basename(o.file).replace(/\.(xz|zst|gz)$/, ''), bytes: mod.bytes },
      deps,
      args: o.params.join(' '),
      seed: o.seed,
      student: o.student,
      count: o.count,
      kinds: o.kinds,
      kernel: o.kernel,
    });
  } catch (e) {
    if (e instanceof QuizError) throw new CliError('USAGE', e.message, undefined, 1);
    throw e;
  }
  if (o.sheet) {
    const md = /\.md$/i.test(o.sheet);
    for (const [path, key] of [
      [o.sheet, false],
      [keyPath(o.sheet), true],
    ] as const) {
      try {
        writeFileSync(path, md ? quizMarkdown(q, key) : quizPdf(q, key));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new CliError(err.code ?? 'EIO', `cannot write ${path}: ${err.message.replace(/^[A-Z]+: /, '')}`);
      }
    }
  }
  const w = new BufferedWriter(write);
  if (o.json) {
    // One object per question: kind, the step it refers to, its data, the answer.
    w.write(
      JSON.stringify(
        {
          module: q.module,
          args: q.args,
          seed: q.seed,
          student: q.student,
          kernel: q.kernel,
          commands: q.commands,
          available: q.available,
          questions: q.questions,
        },
        null,
        1,
      ) + '\n',
    );
  } else {
    w.write(text(q) + '\n');
    if (o.sheet) w.write(`sheet: ${o.sheet}\nkey:   ${keyPath(o.sheet)}\n`);
  }
  await w.flush();
  return q.questions.length ? 0 : 1;
}

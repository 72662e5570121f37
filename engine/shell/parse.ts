/**
 * A tiny POSIX-ish command-line parser, enough for lesson scripts: words with single and double
 * quotes and backslashes, `#` comments, pipelines (`|`), lists (`;`, `&&`, `||`) and the
 * redirections `>`, `>>`, `2>`, `2>>`, `2>&1` and `<`. No variables, globs or subshells.
 */

export interface Redirect {
  /** 1 = stdout, 2 = stderr, 0 = stdin. */
  fd: 0 | 1 | 2;
  /** For `2>&1`: the target fd instead of a path. */
  toFd?: 1;
  path?: string;
  append: boolean;
}

export interface SimpleCommand {
  argv: string[];
  redirects: Redirect[];
}

export interface Pipeline {
  commands: SimpleCommand[];
  /** How this pipeline is joined to the previous one ('' for the first). */
  joiner: '' | ';' | '&&' | '||';
}

export type ParseResult = { ok: true; list: Pipeline[] } | { ok: false; error: string };

type Token = { kind: 'word'; value: string } | { kind: 'op'; value: string };

/** busybox ash wording: `sh: syntax error: unexpected "|"`. */
function unexpected(op: string): ParseResult {
  return { ok: false, error: `syntax error: unexpected "${op}"` };
}

function lex(line: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  let word = '';
  let inWord = false;
  let quoted = false;
  const flush = (): void => {
    if (inWord) out.push({ kind: 'word', value: word });
    word = '';
    inWord = false;
    quoted = false;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      flush();
      i++;
      continue;
    }
    if (c === '#' && !inWord) break;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return 'syntax error: unterminated quoted string';
      word += line.slice(i + 1, end);
      inWord = true;
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= line.length) return 'syntax error: unterminated quoted string';
        const d = line[j];
        if (d === '"') break;
        if (d === '\\' && j + 1 < line.length && '$`"\\\n'.includes(line[j + 1])) {
          word += line[j + 1];
          j += 2;
          continue;
        }
        word += d;
        j++;
      }
      inWord = true;
      quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < line.length) word += line[i + 1];
      inWord = true;
      quoted = true;
      i += 2;
      continue;
    }
    if (c === '|' || c === ';' || c === '&' || c === '>' || c === '<') {
      // "2>" / "2>>" / "2>&1": an unquoted word that is exactly "2" right before '>'.
      if (c === '>' && inWord && !quoted && word === '2') {
        word = '';
        inWord = false;
        if (line.startsWith('>&1', i)) {
          out.push({ kind: 'op', value: '2>&1' });
          i += 3;
        } else if (line.startsWith('>>', i)) {
          out.push({ kind: 'op', value: '2>>' });
          i += 2;
        } else {
          out.push({ kind: 'op', value: '2>' });
          i += 1;
        }
        continue;
      }
      flush();
      const two = line.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '>>') {
        out.push({ kind: 'op', value: two });
        i += 2;
      } else if (c === '&') {
        return 'syntax error: background jobs (&) are not supported';
      } else {
        out.push({ kind: 'op', value: c });
        i++;
      }
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  flush();
  return out;
}

export function parseLine(line: string): ParseResult {
  const toks = lex(line);
  if (typeof toks === 'string') return { ok: false, error: toks };
  const list: Pipeline[] = [];
  let pipeline: Pipeline = { commands: [], joiner: '' };
  let cmd: SimpleCommand = { argv: [], redirects: [] };
  const cmdEmpty = (): boolean => cmd.argv.length === 0 && cmd.redirects.length === 0;
  for (let t = 0; t < toks.length; t++) {
    const tok = toks[t];
    if (tok.kind === 'word') {
      cmd.argv.push(tok.value);
      continue;
    }
    const op = tok.value;
    if (op === '>' || op === '>>' || op === '2>' || op === '2>>' || op === '<') {
      const target = toks[t + 1];
      if (!target || target.kind !== 'word') return target ? unexpected(target.value) : { ok: false, error: 'syntax error: unexpected newline' };
      t++;
      cmd.redirects.push({ fd: op === '<' ? 0 : op.startsWith('2') ? 2 : 1, path: target.value, append: op.endsWith('>>') });
      continue;
    }
    if (op === '2>&1') {
      cmd.redirects.push({ fd: 2, toFd: 1, append: false });
      continue;
    }
    if (op === '|') {
      if (cmdEmpty()) return unexpected('|');
      pipeline.commands.push(cmd);
      cmd = { argv: [], redirects: [] };
      continue;
    }
    // ; && ||
    if (cmdEmpty()) {
      if (pipeline.commands.length === 0 && op === ';' && list.length === 0) return unexpected(';');
      return unexpected(op);
    }
    pipeline.commands.push(cmd);
    list.push(pipeline);
    pipeline = { commands: [], joiner: op as ';' | '&&' | '||' };
    cmd = { argv: [], redirects: [] };
  }
  if (!cmdEmpty()) pipeline.commands.push(cmd);
  else if (pipeline.commands.length > 0) return { ok: false, error: 'syntax error: unexpected end of file' };
  else if (pipeline.joiner === '&&' || pipeline.joiner === '||') return { ok: false, error: 'syntax error: unexpected end of file' };
  if (pipeline.commands.length) list.push(pipeline);
  return { ok: true, list };
}

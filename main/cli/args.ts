/** Minimal argv parsing: a command, positional args and boolean flags; an option's value for the commands' own parsers. */
import { CliError } from './errors';

export interface ParsedArgs {
  command: string | null;
  positional: string[];
  flags: Set<string>;
  unknown: string[];
}

const KNOWN_FLAGS = new Set(['--json', '--help', '-h', '--version', '-V']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Set<string>();
  const unknown: string[] = [];
  let rest = false;
  for (const a of argv) {
    if (rest) positional.push(a);
    else if (a === '--') rest = true;
    else if (a.startsWith('-') && a.length > 1) {
      if (KNOWN_FLAGS.has(a)) flags.add(a === '-h' ? '--help' : a === '-V' ? '--version' : a);
      else unknown.push(a);
    } else positional.push(a);
  }
  const command = positional.shift() ?? null;
  return { command, positional, flags, unknown };
}

/** The value of the option at argv[i - 1] (`--seed 17`: argv[i] is "17"), or a USAGE error naming the option. */
export function optionValue(argv: readonly string[], i: number, option: string): string {
  const v = argv[i];
  if (v === undefined) throw new CliError('USAGE', `${option} needs a value`, undefined, 1);
  return v;
}

/**
 * getopt_long() as glibc does it for the tools here: options may follow operands (argument
 * permutation), "--" ends options, short options can be grouped ("-rx") and take their argument
 * attached or as the next word. Errors carry glibc's wording.
 */

export interface OptSpec {
  /** Short options: a letter, followed by ':' when it takes an argument (getopt's optstring). */
  short: string;
  /** Long option → the short letter it stands for (append ':' to the key when it takes an argument). */
  long?: Record<string, string>;
}

export interface ParsedOpts {
  /** Short letter → its argument (or true), in order given; later ones win. */
  opts: Map<string, string | true>;
  /** Every option in order, for options that may repeat. */
  list: { opt: string; arg: string | true }[];
  operands: string[];
  error: string | null;
}

export function getopt(prog: string, args: readonly string[], spec: OptSpec): ParsedOpts {
  const opts = new Map<string, string | true>();
  const list: { opt: string; arg: string | true }[] = [];
  const operands: string[] = [];
  const takesArg = (c: string): boolean | null => {
    const i = spec.short.indexOf(c);
    if (i < 0 || c === ':') return null;
    return spec.short[i + 1] === ':';
  };
  const put = (opt: string, arg: string | true): void => {
    opts.set(opt, arg);
    list.push({ opt, arg });
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const entries = Object.entries(spec.long ?? {});
      const exact = entries.find(([k]) => k.replace(/:$/, '') === name);
      const prefixed = entries.filter(([k]) => k.replace(/:$/, '').startsWith(name));
      const hit = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
      if (!hit) return { opts, list, operands, error: `${prog}: unrecognized option '${a}'` };
      const wantsArg = hit[0].endsWith(':');
      if (wantsArg) {
        if (eq >= 0) put(hit[1], a.slice(eq + 1));
        else if (i + 1 < args.length) put(hit[1], args[++i]);
        else return { opts, list, operands, error: `${prog}: option '--${hit[0].replace(/:$/, '')}' requires an argument` };
      } else {
        if (eq >= 0) return { opts, list, operands, error: `${prog}: option '--${hit[0]}' doesn't allow an argument` };
        put(hit[1], true);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const t = takesArg(c);
        if (t === null) return { opts, list, operands, error: `${prog}: invalid option -- '${c}'` };
        if (!t) {
          put(c, true);
          continue;
        }
        if (j + 1 < a.length) put(c, a.slice(j + 1));
        else if (i + 1 < args.length) put(c, args[++i]);
        else return { opts, list, operands, error: `${prog}: option requires an argument -- '${c}'` };
        break;
      }
      continue;
    }
    operands.push(a);
  }
  return { opts, list, operands, error: null };
}

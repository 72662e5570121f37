/**
 * A link to one position of a trace, as a URL fragment that says how to reproduce the trace:
 *
 *   #kernel=6.1&insmod=hello.ko%20count=3&pos=412&view=load
 *
 * kernel, then (optionally) paging=5 and kaslr=<seed>, then the commands in the order they ran
 * (insmod=…, rmmod=…, modprobe=…: the command's name as the key, its arguments as the value), then
 * pos (the timeline position) or step (1-based step number) and view. Opening the link boots the
 * kernel, runs the commands through the shell and seeks. The same string is kept in localStorage,
 * so the step and the view survive a restart.
 */

export interface TraceLink {
  /** Kernel release prefix, e.g. "6.1". */
  kernel: string;
  paging: 4 | 5;
  kaslrSeed: number | null;
  /** Shell command lines, e.g. "insmod hello.ko count=3". */
  commands: string[];
  /** Timeline position, or null when the link gives a step number instead. */
  pos: number | null;
  /** 1-based step number (used when pos is null). */
  step: number | null;
  view: string;
}

export const STORAGE_KEY = 'modscope.link';

const RESERVED = new Set(['kernel', 'paging', 'kaslr', 'pos', 'step', 'view']);
const COMMAND = /^[a-z][\w-]*$/;

/** encodeURIComponent, but keeping = , / : readable (they are safe inside a fragment value). */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/%3D/g, '=').replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');
}

export function formatLink(l: TraceLink): string {
  const parts = [`kernel=${enc(l.kernel)}`];
  if (l.paging !== 4) parts.push(`paging=${l.paging}`);
  if (l.kaslrSeed !== null) parts.push(`kaslr=${l.kaslrSeed}`);
  for (const c of l.commands) {
    const m = /^\s*(\S+)\s*(.*)$/.exec(c);
    if (!m || !COMMAND.test(m[1]) || RESERVED.has(m[1])) continue;
    parts.push(`${m[1]}=${enc(m[2].trim())}`);
  }
  if (l.pos !== null) parts.push(`pos=${l.pos}`);
  else if (l.step !== null) parts.push(`step=${l.step}`);
  if (l.view) parts.push(`view=${enc(l.view)}`);
  return `#${parts.join('&')}`;
}

function uint(s: string | null): number | null {
  if (s === null || !/^\d{1,15}$/.test(s)) return null;
  return Number(s);
}

/**
 * Read a fragment ("#…" or without "#"). Null when it is not a trace link (no kernel= or a
 * malformed value): the app then starts as usual.
 */
export function parseLink(fragment: string): TraceLink | null {
  const raw = fragment.replace(/^#/, '');
  if (!raw) return null;
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(raw);
  } catch {
    return null;
  }
  const kernel = q.get('kernel');
  if (!kernel || !/^\d+\.\d+[\w.-]*$/.test(kernel)) return null;
  const paging = q.get('paging');
  if (paging !== null && paging !== '4' && paging !== '5') return null;
  const kaslr = q.get('kaslr');
  const kaslrSeed = kaslr === null ? null : uint(kaslr);
  if (kaslr !== null && (kaslrSeed === null || kaslrSeed > 0xffffffff)) return null;
  const commands: string[] = [];
  for (const [k, v] of q) {
    if (RESERVED.has(k) || !COMMAND.test(k)) continue;
    commands.push(v.trim() ? `${k} ${v.trim()}` : k);
  }
  return {
    kernel,
    paging: paging === '5' ? 5 : 4,
    kaslrSeed,
    commands,
    pos: uint(q.get('pos')),
    step: uint(q.get('step')),
    view: q.get('view') ?? 'load',
  };
}

/** The module file a link loads first ("insmod hello.ko count=3" → "hello.ko"), to open it as the sample. */
export function linkModuleFile(l: TraceLink): string | null {
  for (const c of l.commands) {
    const w = c.split(/\s+/);
    if (w[0] !== 'insmod') continue;
    const file = w.slice(1).find((x) => !x.startsWith('-'));
    if (file && /^[\w.-]+\.ko(\.(xz|zst|gz))?$/.test(file)) return file;
  }
  return null;
}

/** The sample URL for a module file name: samples/<stem>/<file>, as the bundled samples are laid out. */
export function sampleUrlFor(file: string): string {
  const stem = file.replace(/\.ko(\.(xz|zst|gz))?$/, '');
  return `/samples/${stem}/${file}`;
}

/**
 * Kernels a link can be replayed on: the Load view boots 6.1 only (the engine's 2.4 model has no
 * boot choice in the view yet). A link naming another kernel is not replayed on the wrong one.
 */
export const REPLAYABLE_KERNELS = ['6.1'];

/** The link to start from: the page's fragment, else the one saved at the last run (when it was on the load view). */
export function startLink(hash: string, stored: string | null): TraceLink | null {
  const ok = (l: TraceLink | null) => (l && REPLAYABLE_KERNELS.includes(l.kernel) ? l : null);
  if (hash.replace(/^#/, '')) return ok(parseLink(hash));
  const saved = stored ? parseLink(stored) : null;
  return saved && saved.view === 'load' ? ok(saved) : null;
}

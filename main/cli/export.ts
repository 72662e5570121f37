/**
 * `modscope export FILE.ko [ARGS…] [--step N | --pos N] [--view …] [--format svg|png|pdf] [--scale 1|2|4]
 *  [--slide] [--theme projector|screen] --out PATH` and
 * `modscope deck FILE.ko [ARGS…] [--from N] [--to M] [--view …] [--format pdf|svg] [--theme …] --out PATH`
 * (`--kernel 2.4`, or a compare-* view: the comparison, steps counted on that kernel):
 * the app's own views, exported headless. The browser build (renderer/, built into out/cli/web when
 * missing or older than its sources) is served on a free local port and opened in Chromium
 * (over its DevTools pipe, cdp.ts) with a trace link (#kernel=6.1&insmod=FILE ARGS): the page boots, runs insmod,
 * and window.__modscope (renderer/src/automation.ts, ?automation=1) seeks and captures the view with
 * the Export menu's code. The module is served where the app looks for a sample of that name.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { launch, type CdpPage } from './cdp';
import { CliError } from './errors';
import { servedProfileBinary } from './kernel-files';
import { packageRoot, serve, webApp } from './web-app';

import { VIEWS as VIEW_DEFS, type ViewId } from '../../host-common/views';

export type ExportView = ViewId;
/** Every view of the app's one registry (host-common/views.ts); "compare" = the lanes. */
const VIEWS: readonly string[] = VIEW_DEFS.map((v) => v.id);
const SCALES = [1, 2, 4] as const;
const MAX_DECK = 300;
const CHROMIUM = process.env.MODSCOPE_CHROMIUM ?? '/usr/bin/chromium';
// One process (--single-process, --no-zygote): the page is ours and runs once; a renderer process of its own cost
// ~0.7 s of the export's first use (newPage 1.3 s → 0.6 s at load 5), the output is the same (export.test.ts).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--single-process', '--no-zygote'];
/** Boot + insmod + replay in the page; amdgpu-sized traces take a while. */
const READY_MS = 180_000;
const MODULE_NAME = /^[\w.-]+\.ko(\.(xz|zst|gz))?$/;

export interface ExportOptions {
  command: 'export' | 'deck';
  file: string;
  /** Module parameters after the file (count=3 …). */
  args: string[];
  step: number | null;
  pos: number | null;
  from: number | null;
  to: number | null;
  view: ExportView;
  format: 'svg' | 'png' | 'pdf';
  scale: 1 | 2 | 4;
  slide: boolean;
  theme: 'projector' | 'screen';
  /** 6.1 (the Load view) or 2.4 (the comparison, which models 2.4's insmod). */
  kernel: '6.1' | '2.4';
  out: string;
}

/** Views drawn by the comparison: the step counts there are one kernel's. */
export function isCompareView(v: string): boolean {
  return v.startsWith('compare');
}

const usage = (msg: string) => new CliError('USAGE', msg, undefined, 1);

function uintArg(name: string, v: string | undefined): number {
  if (v === undefined || !/^\d{1,9}$/.test(v)) throw usage(`${name} needs a number, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  return Number(v);
}

export function parseExportArgs(command: 'export' | 'deck', argv: readonly string[]): ExportOptions {
  const o: ExportOptions = {
    command,
    file: '',
    args: [],
    step: null,
    pos: null,
    from: null,
    to: null,
    view: 'memory',
    format: command === 'deck' ? 'pdf' : 'svg',
    scale: 1,
    slide: false,
    theme: 'projector',
    kernel: '6.1',
    out: '',
  };
  let viewGiven = false;
  const only = (flag: string, cmd: 'export' | 'deck') => {
    if (command !== cmd) throw usage(`${flag} is for modscope ${cmd} (see modscope --help)`);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--step' || a === '--pos') {
      only(a, 'export');
      o[a === '--step' ? 'step' : 'pos'] = uintArg(a, argv[++i]);
    } else if (a === '--from' || a === '--to') {
      only(a, 'deck');
      o[a === '--from' ? 'from' : 'to'] = uintArg(a, argv[++i]);
    } else if (a === '--scale') {
      only(a, 'export');
      const v = Number(argv[++i]);
      if (!(SCALES as readonly number[]).includes(v)) throw new CliError('BAD_SCALE', `--scale is 1, 2 or 4, got "${argv[i] ?? ''}"`);
      o.scale = v as 1 | 2 | 4;
    } else if (a === '--view') {
      const v = argv[++i] ?? '';
      const id = v === 'compare' ? 'compare-lanes' : v;
      if (!VIEWS.includes(id)) throw new CliError('BAD_VIEW', `unknown view "${v}" (${VIEWS.join(', ')}, or compare)`);
      o.view = id as ExportView;
      viewGiven = true;
    } else if (a === '--kernel') {
      const v = argv[++i] ?? '';
      if (v !== '6.1' && v !== '2.4') throw new CliError('BAD_KERNEL', `--kernel is 6.1 or 2.4, got "${v}"`);
      o.kernel = v;
    } else if (a === '--format') {
      const v = argv[++i] ?? '';
      const ok = command === 'deck' ? ['pdf', 'svg'] : ['svg', 'png', 'pdf'];
      if (!ok.includes(v)) throw new CliError('BAD_FORMAT', `${command} --format is ${ok.join(' or ')}, got "${v}"`);
      o.format = v as ExportOptions['format'];
    } else if (a === '--theme') {
      const v = argv[++i] ?? '';
      if (v !== 'projector' && v !== 'screen') throw new CliError('BAD_THEME', `--theme is projector or screen, got "${v}"`);
      o.theme = v;
    } else if (a === '--slide') {
      only(a, 'export');
      o.slide = true;
    } else if (a === '--out' || a === '-o') o.out = argv[++i] ?? '';
    else if (a.startsWith('-')) throw usage(`unknown option ${a} (see modscope --help)`);
    else if (!o.file) o.file = a;
    else {
      // One shell word each: the page runs "insmod FILE ARGS…" through its shell.
      if (/\s/.test(a) || a === '') throw usage(`module argument "${a}" has a space: give name=value words`);
      o.args.push(a);
    }
  }
  if (!o.file) throw usage(`${command} needs a module file (see modscope --help)`);
  // 2.4 is drawn by the comparison (the Load view boots 6.1): its lanes unless another of its views is named.
  if (o.kernel === '2.4' && !viewGiven) o.view = 'compare-lanes';
  if (o.kernel === '2.4' && !isCompareView(o.view) && o.view !== 'caption')
    throw new CliError('BAD_VIEW', `--kernel 2.4 is shown by the comparison: --view compare-lanes, compare-detail or caption, not "${o.view}"`);
  if (isCompareView(o.view) && o.pos !== null) throw usage('the comparison moves by steps: give --step N (of the --kernel chosen)');
  if (!o.out) throw usage(`${command} needs --out PATH`);
  if (command === 'export') {
    // Neither --step nor --pos: the finished load (its last step), as a newcomer expects.
    if (o.step !== null && o.pos !== null) throw usage('export takes one of --step N or --pos N, not both');
    if (o.step === 0) throw new CliError('BAD_STEP', '--step counts from 1');
  } else {
    // No range: the whole operation (checked against MAX_DECK once the trace's length is known).
    if (o.from !== null && o.to !== null && (o.from < 1 || o.to < o.from))
      throw new CliError('BAD_STEP', `--from ${o.from} --to ${o.to} is not a range of steps (1 ≤ from ≤ to)`);
    if (o.from !== null && o.to !== null && o.to - o.from + 1 > MAX_DECK)
      throw new CliError('BAD_STEP', `a deck has at most ${MAX_DECK} steps, asked for ${o.to - o.from + 1}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// The page.

interface PageState {
  ready: boolean;
  error: string | null;
  steps: number;
  length: number;
  pos: number;
  step: number;
  module: string;
  release: string;
}
interface PageResult {
  base64: string;
  width: number;
  height: number;
  pos: number;
  step: number;
}
/** renderer/src/automation.ts's AutomationApi, as seen from here (no DOM types in the CLI). */
interface Automation {
  state(): PageState;
  stepPos(step: number): number;
  seek(pos: number, view?: ExportView): Promise<void>;
  exportView(view: ExportView, format: string, opts: object): Promise<PageResult>;
  exportDeck(from: number, to: number, view: ExportView, format: string, opts: object): Promise<PageResult[]>;
  compareState(): { ready: boolean; error: string | null; steps: Record<'2.4' | '6.1', number> };
  exportCompare(kernel: string, step: number, view: ExportView, format: string, opts: object): Promise<PageResult>;
  exportCompareDeck(kernel: string, from: number, to: number, view: ExportView, format: string, opts: object): Promise<PageResult[]>;
}
/** In page.evaluate callbacks (serialised into the page: no closures over this module). */
type Win = { __modscope: Automation };

function bytesHuman(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

type Page = CdpPage;

function writeOut(path: string, bytes: Buffer): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, bytes);
}

/** The comparison: both kernels load the module; one kernel's steps are what --step/--from/--to count. */
async function compareExport(
  page: Page,
  origin: string,
  o: ExportOptions,
  command: string,
  io: { out: (s: string) => void },
  pageError: () => string,
): Promise<number> {
  const k = o.kernel;
  await page.goto(`${origin}/?automation=1#view=compare&insmod=${encodeURIComponent(command.slice('insmod '.length))}`);
  try {
    await page.waitFor(() => {
      const m = (globalThis as unknown as { __modscope?: Automation }).__modscope;
      if (!m) return false;
      const st = m.compareState();
      return st.ready || st.error !== null;
    }, READY_MS);
  } catch {
    throw new CliError('PAGE', `the page did not load "${command}" on both kernels within ${READY_MS / 1000} s${pageError()}`);
  }
  const s = await page.evaluate(() => (globalThis as unknown as Win).__modscope.compareState());
  if (!s.ready) throw new CliError('LOAD_FAILED', `${command}: ${s.error ?? 'the comparison did not load'}`);
  const n = s.steps[k];
  const opts = { slide: o.slide, theme: o.theme, scale: o.scale };
  if (o.command === 'export') {
    const step = o.step ?? n;
    if (step > n) throw new CliError('BAD_STEP', `--step ${step} is beyond Linux ${k}'s load of "${command}" (steps 1–${n})`);
    const r = await page.evaluate((a) => (globalThis as unknown as Win).__modscope.exportCompare(a.k, a.step, a.view, a.format, a.opts), {
      k,
      step,
      view: o.view,
      format: o.format,
      opts,
    });
    const bytes = Buffer.from(r.base64, 'base64');
    writeOut(o.out, bytes);
    const px = o.format === 'png' ? `${r.width * o.scale}×${r.height * o.scale} px` : `${r.width}×${r.height}`;
    io.out(`${o.out}  ${bytesHuman(bytes.length)}  ${o.view} ${o.format}${o.slide ? ' slide' : ''} ${px}  Linux ${k} step ${step}/${n}\n`);
    return 0;
  }
  const from = o.from ?? 1;
  const to = o.to ?? n;
  if (to > n) throw new CliError('BAD_STEP', `--to ${to} is beyond Linux ${k}'s load of "${command}" (steps 1–${n})`);
  const pages = await page.evaluate((a) => (globalThis as unknown as Win).__modscope.exportCompareDeck(a.k, a.from, a.to, a.view, a.format, a.opts), {
    k,
    from,
    to,
    view: o.view,
    format: o.format,
    opts: { theme: o.theme },
  });
  if (o.format === 'pdf') {
    const bytes = Buffer.from(pages[0].base64, 'base64');
    writeOut(o.out, bytes);
    io.out(`${o.out}  ${bytesHuman(bytes.length)}  ${o.view} pdf deck, ${to - from + 1} pages  Linux ${k} steps ${from}–${to}/${n}\n`);
    return 0;
  }
  mkdirSync(o.out, { recursive: true });
  const width = Math.max(2, String(pages.length).length);
  let total = 0;
  pages.forEach((pg, i) => {
    const bytes = Buffer.from(pg.base64, 'base64');
    total += bytes.length;
    writeFileSync(join(o.out, `${String(i + 1).padStart(width, '0')}-step${pg.step}.svg`), bytes);
  });
  io.out(`${o.out}${sep}  ${bytesHuman(total)}  ${o.view} svg deck, ${pages.length} files  Linux ${k} steps ${from}–${to}/${n}\n`);
  return 0;
}

export async function exportCommand(o: ExportOptions, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  let moduleBytes: Buffer;
  try {
    moduleBytes = readFileSync(o.file);
  } catch (e) {
    const x = e as NodeJS.ErrnoException;
    throw new CliError(x.code ?? 'EIO', `cannot read ${o.file}: ${x.message.replace(/^[A-Z]+: /, '')}`);
  }
  const name = basename(o.file);
  if (!MODULE_NAME.test(name)) throw new CliError('BAD_NAME', `module file name "${name}" must look like name.ko (letters, digits, _ . -)`);
  if (!existsSync(CHROMIUM)) throw new CliError('NO_CHROMIUM', `export needs Chromium: ${CHROMIUM} not found (set MODSCOPE_CHROMIUM to its path)`);
  // Chromium starts while the web app is checked and served (first use: about a second saved), with the page that
  // export drives: 1400×860, light colours (cdp.ts).
  const launching = launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 860 }, colorScheme: 'light' });
  launching.catch(() => undefined); // awaited below; a failure while serving is reported there

  const root = packageRoot();
  let served: Awaited<ReturnType<typeof serve>>;
  try {
    const web = await webApp(root, io.err);
    const stem = name.replace(/\.ko(\.(xz|zst|gz))?$/, '');
    const files = new Map<string, Buffer | string>([[`/samples/${stem}/${name}`, moduleBytes]]);
    const bin = servedProfileBinary(root);
    if (bin) files.set(...bin);
    served = await serve({ web, samples: join(root, 'samples'), files });
  } catch (e) {
    void launching.then((b) => b.close()).catch(() => undefined);
    throw e;
  }
  const { server, origin } = served;
  const browser = await launching.catch((e: unknown) => {
    server.close();
    throw new CliError('NO_CHROMIUM', `cannot start ${CHROMIUM}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  });
  let pageErrors: string[] = [];
  try {
    const page = browser.page;
    pageErrors = page.errors; // uncaught errors in the page, for the messages below
    const command = ['insmod', name, ...o.args].join(' ');
    const pageError0 = () => (pageErrors.length ? ` (page: ${pageErrors[0]})` : '');
    if (o.kernel === '2.4' || isCompareView(o.view)) return await compareExport(page, origin, o, command, io, pageError0);
    await page.goto(`${origin}/?automation=1#kernel=6.1&insmod=${encodeURIComponent(command.slice('insmod '.length))}&view=load`);
    const pageError = () => (pageErrors.length ? ` (page: ${pageErrors[0]})` : '');

    // Ready, or an error with nothing to show (the file did not open, the kernel did not boot).
    let s: PageState;
    try {
      await page.waitFor(() => {
        const m = (globalThis as unknown as { __modscope?: Automation }).__modscope;
        if (!m) return false;
        const st = m.state();
        return st.ready || (st.error !== null && st.steps === 0);
      }, READY_MS);
      s = await page.evaluate(() => (globalThis as unknown as Win).__modscope.state());
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError('PAGE', `the page did not replay "${command}" within ${READY_MS / 1000} s${pageError()}`);
    }
    if (!s.ready) throw new CliError('LOAD_FAILED', `${command}: ${s.error ?? 'no trace'}`);

    if (o.command === 'export') {
      let pos: number;
      const chosen = o.step === null && o.pos === null ? ' (no --step or --pos given: the last step, the finished operation)' : '';
      if (o.step === null && o.pos === null) o.step = s.steps;
      if (o.step !== null) {
        if (o.step > s.steps) throw new CliError('BAD_STEP', `--step ${o.step} is beyond the trace of "${command}" (steps 1–${s.steps})`);
        pos = await page.evaluate((k) => (globalThis as unknown as Win).__modscope.stepPos(k), o.step);
      } else {
        pos = o.pos ?? 0;
        if (pos >= s.length) throw new CliError('BAD_POS', `--pos ${pos} is beyond the trace of "${command}" (positions 0–${s.length - 1})`);
      }
      // Only the exported view's own transitions are waited for (the memory map's marker moves 300 ms at every step).
      await page.evaluate((a) => (globalThis as unknown as Win).__modscope.seek(a.pos, a.view), { pos, view: o.view });
      const r = await page.evaluate((a) => (globalThis as unknown as Win).__modscope.exportView(a.view, a.format, a.opts), {
        view: o.view,
        format: o.format,
        opts: { slide: o.slide, theme: o.theme, scale: o.scale },
      });
      const bytes = Buffer.from(r.base64, 'base64');
      mkdirSync(dirname(resolve(o.out)), { recursive: true });
      writeFileSync(o.out, bytes);
      const px = o.format === 'png' ? `${r.width * o.scale}×${r.height * o.scale} px` : `${r.width}×${r.height}`;
      io.out(
        `${o.out}  ${bytesHuman(bytes.length)}  ${o.view} ${o.format}${o.slide ? ' slide' : ''} ${px}  step ${r.step}/${s.steps} pos ${r.pos}${chosen}\n`,
      );
      return 0;
    }

    const from = o.from ?? 1;
    const to = o.to ?? s.steps;
    const whole = o.from === null && o.to === null ? ' (no --from/--to given: the whole operation)' : '';
    if (from < 1 || to < from) throw new CliError('BAD_STEP', `--from ${from} --to ${to} is not a range of steps (1 ≤ from ≤ to)`);
    if (to - from + 1 > MAX_DECK) {
      throw new CliError('BAD_STEP', `a deck has at most ${MAX_DECK} steps; steps ${from}–${to} are ${to - from + 1} (give --from N --to M)`);
    }
    if (to > s.steps) throw new CliError('BAD_STEP', `--to ${to} is beyond the trace of "${command}" (steps 1–${s.steps})`);
    const pages = await page.evaluate((a) => (globalThis as unknown as Win).__modscope.exportDeck(a.from, a.to, a.view, a.format, a.opts), {
      from,
      to,
      view: o.view,
      format: o.format,
      opts: { theme: o.theme },
    });
    if (o.format === 'pdf') {
      const bytes = Buffer.from(pages[0].base64, 'base64');
      mkdirSync(dirname(resolve(o.out)), { recursive: true });
      writeFileSync(o.out, bytes);
      io.out(`${o.out}  ${bytesHuman(bytes.length)}  ${o.view} pdf deck, ${to - from + 1} pages  steps ${from}–${to}/${s.steps}${whole}\n`);
      return 0;
    }
    // Numbered SVGs in the folder: 01-step13.svg, 02-step14.svg, …
    mkdirSync(o.out, { recursive: true });
    const width = Math.max(2, String(pages.length).length);
    let total = 0;
    pages.forEach((pg, k) => {
      const bytes = Buffer.from(pg.base64, 'base64');
      total += bytes.length;
      writeFileSync(join(o.out, `${String(k + 1).padStart(width, '0')}-step${pg.step}.svg`), bytes);
    });
    io.out(`${o.out}${sep}  ${bytesHuman(total)}  ${o.view} svg deck, ${pages.length} files  steps ${from}–${to}/${s.steps}${whole}\n`);
    return 0;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/^page\.evaluate: (Error: )?/, '');
    throw new CliError('EXPORT', `${msg}${pageErrors.length ? ` (page: ${pageErrors[0]})` : ''}`);
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
}

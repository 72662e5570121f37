/**
 * Headless Chromium for `modscope export` / `modscope deck`, driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: fd 3 to Chromium, fd 4 from it, one JSON message each, NUL-terminated).
 * What export needs of a browser is one page: a viewport, light colours, a navigation, and functions evaluated in it.
 * playwright-core did that before: its 7 MB of JavaScript to load (~0.5 s of the export's first use, ~0.3 s from
 * V8's code cache), and a new browser context and page after the start (~0.8 s at load 4). Here Chromium starts with
 * its own first tab (about:blank, made while it starts), which is attached, sized and sent to the app.
 * The switches are playwright-core 1.65's for headless Chromium (chromiumSwitches, plus --headless, --hide-scrollbars,
 * --mute-audio and its --blink-settings hover/pointer types): the page lays out and draws as it did (the SVG is
 * byte-identical, export.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** playwright-core 1.65's switches for headless Chromium (server/chromium/chromiumSwitches.ts and crBrowser's launch). */
export const PLAYWRIGHT_SWITCHES: readonly string[] = [
  '--disable-field-trial-config',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-back-forward-cache',
  '--disable-breakpad',
  '--disable-component-extensions-with-background-pages',
  '--disable-component-update',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,' +
    'LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,' +
    'NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,' +
    // Not playwright's: the browser's own omnibox popups, two WebUI pages (chrome://omnibox-popup.top-chrome/ and its
    // omnibox_popup_aim.html) that a headless Chromium 156 still builds at start: ~1.4 s of CPU parsing their scripts,
    // in our one process, while the app loads (measured with Target.getTargets and a trace: 2.7 → 1.1 s of CPU).
    'WebUIOmniboxPopup,WebUIOmniboxAimPopup',
  '--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies',
  '--allow-pre-commit-input',
  '--disable-hang-monitor',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--force-color-profile=srgb',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
  '--no-service-autorun',
  '--disable-search-engine-choice-screen',
  '--unsafely-disable-devtools-self-xss-warnings',
  '--enable-unsafe-swiftshader',
  '--disable-stack-profiler',
  '--disable-infobars',
  '--disable-sync',
  '--headless',
  '--hide-scrollbars',
  '--mute-audio',
  '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4',
];

type Params = Record<string, unknown>;
interface Message {
  id?: number;
  method?: string;
  params?: Params;
  result?: Params;
  error?: { message: string };
  sessionId?: string;
}
interface RemoteObject {
  type: string;
  value?: unknown;
  description?: string;
}
interface EvalResult {
  result: RemoteObject;
  exceptionDetails?: { text: string; exception?: RemoteObject };
}

export class CdpError extends Error {}

/** One browser on a pipe: commands (to the browser, or to a page's session) and events. */
export class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, { ok: (r: Params) => void; fail: (e: Error) => void; method: string }>();
  private readonly listeners = new Set<(m: Message) => void>();
  private buffer = '';
  private closedError: Error | null = null;

  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
  ) {
    fromBrowser.setEncoding('utf8');
    fromBrowser.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(JSON.parse(text) as Message);
      }
    });
    fromBrowser.on('close', () => this.closed(new CdpError('the browser closed')));
    toBrowser.on('error', (e) => this.closed(e));
  }

  private dispatch(m: Message): void {
    if (m.id !== undefined) {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.fail(new CdpError(`${p.method}: ${m.error.message}`));
      else p.ok(m.result ?? {});
      return;
    }
    for (const l of this.listeners) l(m);
  }

  private closed(e: Error): void {
    if (this.closedError) return;
    this.closedError = e;
    for (const p of this.pending.values()) p.fail(e);
    this.pending.clear();
  }

  send<T = Params>(method: string, params: Params = {}, sessionId?: string): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: ok as (r: Params) => void, fail, method });
      this.toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  /** Every event until the returned function is called. */
  on(listener: (m: Message) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The page export drives: navigation, evaluation, uncaught errors. */
export class CdpPage {
  readonly errors: string[] = [];

  constructor(
    private readonly cdp: Cdp,
    private readonly session: string,
  ) {
    cdp.on((m) => {
      if (m.sessionId !== session || m.method !== 'Runtime.exceptionThrown') return;
      const d = (m.params as { exceptionDetails: { text: string; exception?: RemoteObject } }).exceptionDetails;
      const text = d.exception?.description ?? d.text;
      this.errors.push(text.split('\n')[0].replace(/^(Uncaught )?(Error: )?/, ''));
    });
  }

  /** Navigates and resolves once the new document is committed (its scripts may still be loading). */
  async goto(url: string): Promise<void> {
    const r = await this.cdp.send<{ errorText?: string }>('Page.navigate', { url }, this.session);
    if (r.errorText) throw new CdpError(`cannot open ${url}: ${r.errorText}`);
  }

  /** `fn(arg)` in the page (awaited when it returns a promise), its value as JSON. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.evaluateSource<R>(`(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`);
  }

  private async evaluateSource<R>(expression: string): Promise<R> {
    const r = await this.cdp.send<EvalResult>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.session);
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new CdpError((d.exception?.description ?? d.text).split('\n')[0].replace(/^(Uncaught )?(Error: )?/, ''));
    }
    return r.result.value as R;
  }

  /**
   * Resolves once `predicate()` is true in the page, checked every `pollMs` there (a predicate that throws, or a
   * document not yet the app's, is "not yet"); rejects after `timeoutMs`. The predicate's source goes into the
   * evaluated expression (the app's CSP allows no eval in the page).
   */
  async waitFor(predicate: () => boolean, timeoutMs: number, pollMs = 10): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new CdpError(`timed out after ${timeoutMs / 1000} s`);
      const expression =
        `new Promise((ok) => { const pred = (${predicate.toString()}); const end = Date.now() + ${Math.min(left, 5000)}; ` +
        'const tick = () => { let v = false; try { v = pred(); } catch { v = false; } ' +
        `if (v || Date.now() >= end) ok(v); else setTimeout(tick, ${pollMs}); }; ` +
        'tick(); })';
      try {
        if (await this.evaluateSource<boolean>(expression)) return;
      } catch (e) {
        // The document was replaced while the predicate ran (the navigation committed): ask the new one.
        if (!(e instanceof CdpError) || !/context|destroyed|navigated/i.test(e.message)) throw e;
      }
    }
  }
}

export interface Browser {
  page: CdpPage;
  cdp: Cdp;
  close(): Promise<void>;
}

export interface LaunchOptions {
  executablePath: string;
  args: readonly string[];
  viewport: { width: number; height: number };
  colorScheme: 'light' | 'dark';
  /** The first tab's address (default about:blank). */
  url?: string;
}

/**
 * Starts Chromium with its first tab, attaches to that tab and sets its viewport and colour scheme the way
 * playwright's newPage({ viewport, colorScheme }) does (Emulation.setDeviceMetricsOverride, setEmulatedMedia,
 * setFocusEmulationEnabled). Rejects when Chromium does not start.
 */
export async function launch(o: LaunchOptions): Promise<Browser> {
  const profile = mkdtempSync(join(profileRoot(), 'modscope-chromium-'));
  const { width, height } = o.viewport;
  const child: ChildProcess = spawn(
    o.executablePath,
    [
      ...PLAYWRIGHT_SWITCHES,
      ...o.args,
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      '--remote-debugging-pipe',
      o.url ?? 'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const exited = new Promise<void>((ok) => {
    child.once('exit', () => ok());
    child.once('error', () => ok());
  });
  // A process that exits without close() (an uncaught error) still takes its browser and profile with it.
  const atExit = () => {
    child.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };
  process.once('exit', atExit);
  // Ctrl+C (SIGINT), a parent's SIGTERM or a closed terminal (SIGHUP) end Node without its 'exit' handlers: the profile
  // (~2 MB in /dev/shm, which is memory) was left behind each time. Clean up, then die of the same signal (exit 130, 143).
  const onSignal = (signal: NodeJS.Signals) => {
    atExit();
    offSignals();
    process.kill(process.pid, signal);
  };
  const offSignals = () => {
    for (const s of EXIT_SIGNALS) process.off(s, onSignal);
  };
  for (const s of EXIT_SIGNALS) process.on(s, onSignal);
  const cleanup = async () => {
    process.off('exit', atExit);
    offSignals();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(profile, { recursive: true, force: true });
  };
  const spawnError = new Promise<never>((_, fail) => child.once('error', (e) => fail(e)));
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  try {
    const session = await Promise.race([spawnError, attachFirstTab(cdp)]);
    const page = new CdpPage(cdp, session);
    await Promise.all([
      cdp.send(
        'Emulation.setDeviceMetricsOverride',
        {
          mobile: false,
          width,
          height,
          screenWidth: width,
          screenHeight: height,
          deviceScaleFactor: 1,
          screenOrientation: { angle: 0, type: 'landscapePrimary' },
        },
        session,
      ),
      cdp.send('Emulation.setEmulatedMedia', { media: '', features: [{ name: 'prefers-color-scheme', value: o.colorScheme }] }, session),
      cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true }, session),
      cdp.send('Runtime.enable', {}, session),
      cdp.send('Page.enable', {}, session),
    ]);
    return {
      page,
      cdp,
      // The profile is a throwaway: no orderly shutdown to wait for (Browser.close took 0.2–0.6 s), the process is killed.
      close: cleanup,
    };
  } catch (e) {
    await cleanup();
    const why = stderr.split('\n').find((l) => /error|fatal/i.test(l)) ?? '';
    throw new CdpError(`${e instanceof Error ? e.message : String(e)}${why ? ` (${why.trim()})` : ''}`);
  }
}

/**
 * Where the throwaway profile goes: a tmpfs (/dev/shm) where there is one. Chromium writes ~2 MB of files there at start
 * (some synced to disk); on the disk's /tmp removing them took 0.25–0.35 s of each export, and writing them the start's
 * system time. MODSCOPE_CHROMIUM_PROFILES chooses another folder.
 */
export function profileRoot(): string {
  const env = process.env.MODSCOPE_CHROMIUM_PROFILES;
  if (env) return env;
  try {
    accessSync(SHM, constants.W_OK);
    return SHM;
  } catch {
    return tmpdir();
  }
}
const SHM = '/dev/shm';
const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The session of Chromium's first tab, once it exists. */
async function attachFirstTab(cdp: Cdp): Promise<string> {
  const found = new Promise<string>((ok) => {
    const off = cdp.on((m) => {
      const info = (m.params as { targetInfo?: { type: string; targetId: string } } | undefined)?.targetInfo;
      if (m.method === 'Target.targetCreated' && info?.type === 'page') {
        off();
        ok(info.targetId);
      }
    });
  });
  // Reports the targets that exist already, then each new one.
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  const targetId = await found;
  const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  return sessionId;
}

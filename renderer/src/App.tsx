import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineError, ModuleOverview, ProgressEvent } from '../../engine/api-types';
import { getHost, type OpenedFile } from './host/host';
import { bytesHuman } from './lib/format';
import { OverviewView } from './views/OverviewView';
import { FileMapView } from './views/FileMapView';
import { HexView, type HexRange } from './views/HexView';
import { SectionsView } from './views/SectionsView';
import { SymbolsView } from './views/SymbolsView';
import { RelocationsView } from './views/RelocationsView';
import { ModinfoView } from './views/ModinfoView';
import { LoadView } from './views/load/LoadView';
import { CompareView } from './views/compare/CompareView';
import { LessonsView } from './lessons/LessonsView';
import { WhatIfView, type WhatIfState, type WhatIfWant } from './views/whatif/WhatIfView';
import { STORAGE_KEY, linkModuleFile, sampleUrlFor, startLink } from './present/link';
import type { SeeApplied, SeeTarget } from './views/find/seeApplied';
import { usePresenter } from './present/usePresenter';
import { ViewExportMenu } from './export/ViewExportMenu';
import { formatAppLink, parseAppLink, type ExerciseLink } from './present/appLink';
import type { CompareState, CompareWant } from './views/compare/compareLink';
import type { LessonWant } from './lessons/LessonsView';
import { PresentStrip } from './present/PresentStrip';
import { setPresenting, usePresenting } from './present/mode';
import { TABS, type TabId } from '../../host-common/views';


/** An error as shown in the banner: the engine's typed error, plus the file it concerns. */
export interface UiError {
  code: EngineError['code'] | 'LOAD_FAILED';
  message: string;
  offset?: number;
  field?: string;
  fileName?: string;
}

const DEFAULT_SAMPLE = '/samples/hello/hello.ko';

function initialTheme(): 'dark' | 'light' {
  const saved = localStorage.getItem('modscope.theme');
  if (saved === 'dark' || saved === 'light') return saved;
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function App() {
  const host = getHost();
  const [mod, setMod] = useState<ModuleOverview | null>(null);
  // The page's link (present/appLink.ts): a tab and its state; a Load trace (#kernel=6.1&insmod=…&pos=…)
  // or, with no fragment, the last run's trace, reproduced in the Load view.
  const [appLink] = useState(() => parseAppLink(location.hash));
  const [link] = useState(() => (appLink ? (appLink.trace ?? null) : startLink('', localStorage.getItem(STORAGE_KEY))));
  const [tab, setTab] = useState<TabId>(appLink ? appLink.tab : link ? 'load' : 'overview');
  const [compareWant, setCompareWant] = useState<CompareWant | null>(() => (appLink?.compare ? { nonce: 1, ...appLink.compare } : null));
  const [lessonWant, setLessonWant] = useState<LessonWant | null>(() => (appLink?.lesson ? { nonce: 1, ...appLink.lesson } : null));
  const [compareState, setCompareState] = useState<CompareState | null>(null);
  const [whatifWant, setWhatifWant] = useState<WhatIfWant | null>(() => (appLink?.whatif ? { nonce: 1, ...appLink.whatif } : null));
  const [whatifState, setWhatifState] = useState<WhatIfState | null>(null);
  const [lessonState, setLessonState] = useState<{ tour: string; stop: number; story?: string[] } | null>(null);
  // An exercise (renderer/src/exercise): the link's seed for its tab, and the one running, per tab, for the fragment.
  const [exerciseWant] = useState<{ tab: string; link: ExerciseLink } | null>(() =>
    appLink?.exercise ? { tab: appLink.tab, link: appLink.exercise } : null,
  );
  const [exercising, setExercising] = useState<Partial<Record<TabId, ExerciseLink>>>({});
  const exerciseOn = useCallback(
    (t: TabId) => (l: ExerciseLink | null) =>
      setExercising((o) => {
        if (!l && !o[t]) return o;
        const n = { ...o };
        if (l) n[t] = l;
        else delete n[t];
        return n;
      }),
    [],
  );
  const [onLoadExercise] = useState(() => exerciseOn('load'));
  const [onCompareExercise] = useState(() => exerciseOn('compare'));
  /** The link's problem, shown once its module is open (opening clears the banner). */
  const linkError = useRef<string | null>(appLink?.error ?? null);
  /** The link's other modules (a trace that loaded hello, then oops) are open before it replays. */
  const [extrasOpen, setExtrasOpen] = useState(() => (appLink?.samples.length ?? 0) <= 1);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState<{ name: string; progress: ProgressEvent | null } | null>(null);
  const [samples, setSamples] = useState<string[]>([DEFAULT_SAMPLE]);
  const [currentSample, setCurrentSample] = useState<string>('');
  const currentSampleRef = useRef('');
  currentSampleRef.current = currentSample;
  const [hexRange, setHexRange] = useState<HexRange | null>(null);
  const [relocSection, setRelocSection] = useState<number | null>(null);
  const [theme, setTheme] = useState<'dark' | 'light'>(initialTheme);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const panelRef = useRef<HTMLElement>(null);
  const panel = useCallback(() => panelRef.current, []);
  usePresenter(tab, panel);
  const presentOn = usePresenting();
  /** Choose a tab and move focus into its panel, so a clicker's keys step its content, not the tab strip. */
  const chooseTab = useCallback((id: TabId, focusPanel = true) => {
    setTab(id);
    if (focusPanel) requestAnimationFrame(() => panelRef.current?.focus({ preventScroll: true }));
  }, []);
  const modRef = useRef<ModuleOverview | null>(null);
  modRef.current = mod;

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('modscope.theme', theme);
  }, [theme]);

  // The latest open request wins: e.g. a file pushed from the command line (Electron) beats
  // the default sample the page starts loading at the same time.
  const openSeq = useRef(0);

  const openBytes = useCallback(
    async (file: OpenedFile, sample = '', seq = ++openSeq.current) => {
      setBusy({ name: file.name, progress: null });
      const r = await host.call('open', { name: file.name, bytes: file.bytes }, (p) => {
        if (seq === openSeq.current) setBusy({ name: file.name, progress: p });
      });
      if (seq !== openSeq.current) {
        if (r.ok) void host.call('close', { id: r.value.id });
        return;
      }
      setBusy(null);
      if (!r.ok) {
        // The previous module and view stay as they were.
        setError({ ...r.error, fileName: file.name });
        return;
      }
      const prev = modRef.current;
      if (prev) void host.call('close', { id: prev.id });
      setError(linkError.current ? { code: 'BAD_REQUEST', message: `link: ${linkError.current}` } : null);
      linkError.current = null;
      setMod(r.value);
      setCurrentSample(sample);
      setHexRange(null);
      setRelocSection(r.value.relocSections[0]?.sectionIndex ?? null);
      document.title = `${r.value.fileName} — Modscope`;
    },
    [host],
  );

  const openUrl = useCallback(
    async (url: string) => {
      const seq = ++openSeq.current;
      const name = decodeURIComponent(url.split('/').pop() || url);
      setBusy({ name, progress: null });
      try {
        // Relative to the page, so it works under any base (dev server, out/web, Electron).
        const res = await fetch(url.replace(/^\//, ''));
        if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${url}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (seq !== openSeq.current) return;
        await openBytes({ name, bytes }, url, seq);
      } catch (e) {
        if (seq !== openSeq.current) return;
        setBusy(null);
        setError({ code: 'LOAD_FAILED', message: e instanceof Error ? e.message : String(e), fileName: name });
      }
    },
    [openBytes],
  );

  const openFileObject = useCallback(
    async (f: File) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      await openBytes({ name: f.name, bytes });
    },
    [openBytes],
  );

  const openDialog = useCallback(async () => {
    if (host.openDialog) {
      const f = await host.openDialog();
      if (f) await openBytes(f);
    } else fileInput.current?.click();
  }, [host, openBytes]);

  // Start: the sample list, then ?file=… or the default sample (once, even under StrictMode).
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    fetch('samples/index.json')
      .then((r) => (r.ok ? r.json() : null))
      .then((j: { samples?: string[] } | null) => {
        if (j?.samples?.length) setSamples(j.samples);
      })
      .catch(() => {});
    const requested = new URLSearchParams(location.search).get('file');
    const linked = appLink?.samples[0] ?? (link && linkModuleFile(link) ? sampleUrlFor(linkModuleFile(link)!) : null);
    // Same-origin files only: a bundled sample, or a module `modscope serve` / `npm start -- x.ko` serves at /local/N/.
    const start = requested && /^\/(samples|local\/\d+)\//.test(requested) ? requested : (linked ?? DEFAULT_SAMPLE);
    void openUrl(start).then(() => openExtras(appLink?.samples.slice(1) ?? []));
  }, [openUrl, link]);

  /** Open more bundled samples in the engine (for a trace's later insmods), beside the module shown. */
  const openExtras = useCallback(
    async (urls: string[]) => {
      const missing: string[] = [];
      for (const url of urls) {
        try {
          const res = await fetch(url.replace(/^\//, ''));
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const r = await host.call('open', {
            name: decodeURIComponent(url.split('/').pop() ?? url),
            bytes: new Uint8Array(await res.arrayBuffer()),
          });
          if (!r.ok) throw new Error(r.error.message);
        } catch (e) {
          missing.push(`${url} (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      if (missing.length) setError({ code: 'BAD_REQUEST', message: `link: cannot open ${missing.join(', ')}; its commands will fail there` });
      setExtrasOpen(true);
    },
    [host],
  );

  useEffect(() => host.onOpenFile((f) => void openBytes(f)), [host, openBytes]);

  // Every tab but Load (useTraceLink) keeps its state in the fragment: a reload or a shared link comes back.
  // An exercise running on a tab (Load too) keeps its seed there instead of the trace's position.
  useEffect(() => {
    if ((tab === 'load' && !exercising.load) || !mod) return;
    const t = window.setTimeout(() => {
      const frag = formatAppLink({
        tab,
        sample: currentSample || undefined,
        compare: compareState ? { file: mod.fileName, args: compareState.args, steps: compareState.steps } : undefined,
        lesson: lessonState ?? undefined,
        whatif: whatifState ?? undefined,
        exercise: exercising[tab],
      });
      if (tab === 'compare' && !compareState) return;
      if (tab === 'lessons' && !lessonState) return;
      if (tab === 'whatif' && !whatifState) return;
      if (location.hash !== frag) history.replaceState(null, '', location.pathname + location.search + frag);
    }, 250);
    return () => window.clearTimeout(t);
  }, [tab, mod, currentSample, compareState, lessonState, whatifState, exercising]);

  // A link pasted into the open app moves it (a Load trace replays from a fresh start).
  useEffect(() => {
    let nonce = 1;
    const onHash = () => {
      const l = parseAppLink(location.hash);
      if (!l) return;
      if (l.trace) {
        location.reload();
        return;
      }
      nonce += 1;
      if (l.error) setError({ code: 'BAD_REQUEST', message: `link: ${l.error}` });
      const want = l.samples[0];
      if (want && want !== currentSampleRef.current) {
        if (l.error) linkError.current = l.error;
        void openUrl(want).then(() => openExtras(l.samples.slice(1)));
      }
      if (l.compare) setCompareWant({ nonce: nonce + 1000, ...l.compare });
      if (l.lesson) setLessonWant({ nonce: nonce + 1000, ...l.lesson });
      if (l.whatif) setWhatifWant({ nonce: nonce + 1000, ...l.whatif });
      setTab(l.tab);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [openUrl, openExtras]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        void openDialog();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openDialog]);

  const showHex = useCallback((range: HexRange) => {
    setHexRange(range);
    setTab('hex');
  }, []);
  const showRelocs = useCallback((relSectionIndex: number) => {
    setRelocSection(relSectionIndex);
    setTab('relocations');
  }, []);
  // "See it applied / resolved": the Load tab boots, loads the module if needed and lands on the item.
  const [seeTarget, setSeeTarget] = useState<SeeTarget | null>(null);
  const seeApplied: SeeApplied = useCallback((target, label) => {
    setSeeTarget((t) => ({ target, label, seq: (t?.seq ?? 0) + 1 }));
    setTab('load');
  }, []);

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void openFileObject(f);
  };

  const pct = busy?.progress && busy.progress.total > 0 ? Math.round((busy.progress.done / busy.progress.total) * 100) : null;

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header className="topbar" role="banner">
        <div className="brand">
          <span className="logo" aria-hidden>
            ◈
          </span>
          Modscope
        </div>
        <div className="file-title" data-testid="module-name" title={mod?.fileName}>
          {mod ? (
            <>
              <strong>{mod.fileName}</strong>
              <span className="muted">
                {bytesHuman(mod.fileSize)}
                {mod.compression ? ` · ${mod.compression}` : ''}
                {mod.thisModule ? ` · module “${mod.thisModule.name}”` : ''}
              </span>
            </>
          ) : (
            <span className="muted">no module open</span>
          )}
        </div>
        <div className="spacer" />
        <label className="sample-picker">
          <span className="muted">Sample</span>
          <select
            data-testid="sample-picker"
            aria-label="Open a sample module"
            value={currentSample}
            onChange={(e) => e.target.value && void openUrl(e.target.value)}
          >
            <option value="">— choose —</option>
            {samples.map((s) => (
              <option key={s} value={s}>
                {s.replace('/samples/', '')}
              </option>
            ))}
          </select>
        </label>
        <button className="btn primary" data-testid="open-button" onClick={() => void openDialog()} title="Open a .ko file (Ctrl+O)">
          Open…
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          data-testid="open-file-input"
          aria-label="Open a kernel module file"
          accept=".ko,.xz,.zst,.gz"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void openFileObject(f);
          }}
        />
        {mod && <ViewExportMenu tab={tab} moduleName={mod.fileName} />}
        <button
          className="btn ghost present-app-toggle"
          data-testid="present-app-toggle"
          aria-pressed={presentOn}
          title="Presentation mode (F5): every tab, clicker keys step its content"
          onClick={() => {
            setPresenting(!presentOn);
            requestAnimationFrame(() => panelRef.current?.focus({ preventScroll: true }));
          }}
        >
          ▣ Present
        </button>
        <button
          className="btn ghost"
          data-testid="theme-toggle"
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>

      {busy && (
        <div className="progress" role="progressbar" aria-label={`Opening ${busy.name}`} aria-valuenow={pct ?? undefined} data-testid="progress">
          <div className="progress-text">
            Opening <strong>{busy.name}</strong>
            {busy.progress ? ` — ${busy.progress.stage} ${pct ?? 0}%` : '…'}
          </div>
          <div className="progress-track">
            <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={{ width: pct === null ? undefined : `${pct}%` }} />
          </div>
        </div>
      )}

      {error && (
        <div className="error-banner" role="alert" data-testid="error-banner">
          <div className="error-main">
            <span className="error-code" data-testid="error-code">
              {error.code}
            </span>
            <span className="error-message" data-testid="error-message">
              {error.fileName ? <strong>{error.fileName}: </strong> : null}
              {error.message}
            </span>
          </div>
          <div className="error-meta">
            {error.offset !== undefined && (
              <span data-testid="error-offset">
                at byte offset <code>0x{error.offset.toString(16)}</code> ({error.offset})
              </span>
            )}
            {error.field && (
              <span data-testid="error-field">
                field <code>{error.field}</code>
              </span>
            )}
            {mod && <span className="muted">Still showing {mod.fileName}.</span>}
          </div>
          <button className="btn ghost close" aria-label="Dismiss error" data-testid="error-dismiss" onClick={() => setError(null)}>
            ✕
          </button>
        </div>
      )}

      <nav className="tabs" role="tablist" aria-label="Views">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            id={`tab-${t.id}`}
            data-testid={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className={`tab${tab === t.id ? ' active' : ''}`}
            onClick={() => chooseTab(t.id)}
            tabIndex={tab === t.id ? 0 : -1}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const i = TABS.findIndex((x) => x.id === tab);
              const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
              setTab(next.id);
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
            disabled={!mod}
          >
            {t.label}
            {mod && t.id === 'sections' && <span className="badge">{mod.sections.length}</span>}
            {mod && t.id === 'symbols' && <span className="badge">{mod.symbolCount.toLocaleString('en-US')}</span>}
            {mod && t.id === 'relocations' && <span className="badge">{mod.relocationCount.toLocaleString('en-US')}</span>}
          </button>
        ))}
      </nav>

      <main
        ref={panelRef}
        className="content"
        role="tabpanel"
        id={`panel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        tabIndex={-1}
        data-testid="tab-panel"
        data-tab={tab}
      >
        {!mod && !busy && !error && <div className="empty">Drop a .ko file here or use Open… (Ctrl+O).</div>}
        {!mod && busy && <div className="empty">Loading…</div>}
        {mod && tab === 'overview' && <OverviewView mod={mod} onShowHex={showHex} />}
        {mod && tab === 'filemap' && <FileMapView mod={mod} onShowHex={showHex} onShowRelocs={showRelocs} onSeeApplied={seeApplied} />}
        {mod && tab === 'sections' && <SectionsView mod={mod} onShowHex={showHex} onShowRelocs={showRelocs} />}
        {mod && tab === 'symbols' && <SymbolsView key={mod.id} mod={mod} host={host} onSeeApplied={seeApplied} />}
        {mod && tab === 'relocations' && (
          <RelocationsView mod={mod} host={host} section={relocSection} onSection={setRelocSection} onShowHex={showHex} onSeeApplied={seeApplied} />
        )}
        {mod && tab === 'hex' && <HexView mod={mod} host={host} range={hexRange} onRange={setHexRange} onSeeApplied={seeApplied} />}
        {mod && tab === 'modinfo' && <ModinfoView mod={mod} />}
        {/* Always mounted: the kernel session and cursor survive a visit to another tab. */}
        {mod && (
          <LoadView
            mod={mod}
            host={host}
            active={tab === 'load'}
            onError={setError}
            link={extrasOpen ? link : null}
            see={seeTarget}
            exercise={exerciseWant?.tab === 'load' ? exerciseWant.link : null}
            onExercise={onLoadExercise}
          />
        )}
        {mod && (
          <CompareView
            mod={mod}
            host={host}
            active={tab === 'compare'}
            onError={setError}
            want={compareWant}
            onState={setCompareState}
            exercise={exerciseWant?.tab === 'compare' ? exerciseWant.link : null}
            onExercise={onCompareExercise}
          />
        )}
        {mod && (
          <div hidden={tab !== 'whatif'} className="whatif-host">
            <WhatIfView mod={mod} host={host} active={tab === 'whatif'} onError={setError} want={whatifWant} onState={setWhatifState} />
          </div>
        )}
        {mod && <LessonsView host={host} active={tab === 'lessons'} onError={setError} want={lessonWant} onState={setLessonState} />}
      </main>

      {presentOn && tab !== 'load' && <PresentStrip tab={tab} label={TABS.find((t) => t.id === tab)?.label ?? tab} />}

      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div>Drop a .ko, .ko.xz, .ko.zst or .ko.gz to open it</div>
        </div>
      )}
    </div>
  );
}

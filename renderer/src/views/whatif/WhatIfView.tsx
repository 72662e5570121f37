/**
 * What if…? Break the open module one way (a wrong CRC, another vermagic, a damaged signature, a bad
 * parameter …) and watch where Linux 6.1 stops it: the module is loaded as it is and as mutated, each on
 * a fresh modelled kernel (engine whatif.run), and the two load_module() paths are shown side by side,
 * aligned step by step up to the first step where they part — the check that fires, its kernel
 * function and file, what it logs, how insmod ends — then the rest of each path.
 *
 * A kernel fault (fail-alloc:N or SITE, fail:FUNCTION) leaves the module as it is and fails the kernel instead;
 * the what-if side then shows load_module()'s error path label by label, each with what it frees.
 * "with" names bundled samples loaded first on both kernels (as `modscope whatif --with`): a consumer's
 * provider, by default the modules its modinfo depends= names; without:NAME and unexport:SYMBOL act on them.
 *
 * The mutation, the parameters and the providers are in the page's link (#view=whatif&…&mutation=crc:_printk);
 * the presenter's keys move a row cursor (it starts at the divergence); the answer exports as a view.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EngineError, ModuleOverview, WhatIfAnswer, WhatIfFault, WhatIfSide } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { useStepper } from '../../present/stepper';
import type { SlideContext } from '../../export/slide';
import { alignRows, fnText, fold, newLines, type AlignedRow } from './rows';
import { dependsOf, firstMutation, kindOf, suggestionLabel, suggestions, viewKinds, type SuggestContext } from './suggest';
import './whatif.css';
import { defaultArgs, fetchProfile } from '../../lib/samples';

export interface WhatIfWant {
  nonce: number;
  mutation: string;
  args: string;
  /** Bundled samples loaded first, space-separated paths under samples/ ("provider/provider.ko"); undefined: the default. */
  with?: string;
}

export interface WhatIfState {
  mutation: string;
  args: string;
  with: string;
}

/** A load_module() error label step ("goto free_copy", "free_module:"): the error path's unwinding, with what the label frees. */
export function isUnwindStep(s: { fn: string; title: string }): boolean {
  return s.fn === 'load_module' && /^(goto )?[a-z_]+:?$/.test(s.title);
}

const KERNEL_NAME = 'Linux 6.1.0-50-amd64 (model)';

function FaultNote({ fault, count }: { fault: WhatIfFault; count: number }) {
  const left = fault.leaked;
  return (
    <div className="whatif-fault" data-testid="whatif-fault">
      <span className="whatif-tag fault">fault in the kernel</span>{' '}
      {fault.fired ? (
        fault.site ? (
          <span>
            allocation #{fault.site.n} of {count}: <code className="fn">{fault.site.fn}()</code> → <code>{fault.site.allocator}()</code> returns NULL
          </span>
        ) : (
          <span>
            <code className="fn">{fault.fn}()</code> fails
          </span>
        )
      ) : (
        <span>the load never reached it: both loads are the same</span>
      )}
      {left && (
        <span className="muted">
          {' '}
          ·{' '}
          {left.length === 0
            ? 'nothing the load allocated is left: the error path freed it all'
            : `left allocated: ${left.map((l) => `${l.label} (${l.size} bytes)`).join(', ')}`}
        </span>
      )}
    </div>
  );
}

/** The bundled samples a module's modinfo depends= names ("provider/provider.ko" for consumer.ko): loaded first by default. */
function defaultWith(mod: ModuleOverview): string {
  return dependsOf(mod)
    .map((d) => `${d}/${d}.ko`)
    .join(' ');
}

function Outcome({ label, side, testid }: { label: string; side: WhatIfSide; testid: string }) {
  const ok = side.end === 'returned' && side.result === 0;
  return (
    <div className={`whatif-outcome ${ok ? 'ok' : 'failed'}`} data-testid={testid}>
      <div className="whatif-outcome-label">{label}</div>
      <pre className="mono whatif-tail">{side.tail}</pre>
    </div>
  );
}

function Cell({ s, other }: { s: AlignedRow['base']; other: AlignedRow['base'] }) {
  if (!s) return <td className="whatif-cell muted">(the load has ended)</td>;
  const differs = !other || other.fn !== s.fn;
  const unwind = isUnwindStep(s);
  return (
    <td className={`whatif-cell${unwind ? ' unwind' : ''}`}>
      <code className={`fn${differs ? ' differs' : ''}`}>{fnText(s.fn)}</code> <span className={unwind ? 'whatif-label' : ''}>{s.title}</span>
      {s.errno ? <span className="whatif-errno"> → {s.errno}</span> : null}
      {(unwind || /^The load fails/.test(s.title)) && (
        <div className="small whatif-unwind" data-testid="whatif-unwind">
          {s.text}
        </div>
      )}
      {s.log?.map((l, i) => (
        <div key={i} className="mono whatif-logline">
          {l}
        </div>
      ))}
    </td>
  );
}

export function WhatIfView({
  mod,
  host,
  active,
  onError,
  want,
  onState,
}: {
  mod: ModuleOverview;
  host: Host;
  active: boolean;
  onError: (e: EngineError) => void;
  want: WhatIfWant | null;
  onState: (s: WhatIfState | null) => void;
}) {
  const [kinds, setKinds] = useState<{ name: string; what: string }[]>([]);
  const [mutation, setMutation] = useState(() => (want ? want.mutation : firstMutation(mod)));
  const [args, setArgs] = useState(() => (want ? want.args : defaultArgs(mod)));
  const [withText, setWithText] = useState(() => want?.with ?? defaultWith(mod));
  const [withMods, setWithMods] = useState<ModuleOverview[]>([]);
  /** Providers opened in the engine, by their path under samples/ (opened once, kept). */
  const opened = useRef(new Map<string, ModuleOverview>());
  const [answer, setAnswer] = useState<WhatIfAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cursor, setCursor] = useState(0);
  const [unfold, setUnfold] = useState(false);
  const profile = useRef<Uint8Array | null>(null);
  const seq = useRef(0);
  const ran = useRef<string>('');

  useEffect(() => {
    void host.call('whatif.list', {}).then((r) => (r.ok ? setKinds(r.value) : onError(r.error)));
  }, [host, onError]);

  /** The providers named by "with", opened in the engine; a sample that cannot be fetched or read is the student's to fix. */
  const openWith = useCallback(
    async (text: string, lenient: boolean): Promise<ModuleOverview[]> => {
      const out: ModuleOverview[] = [];
      for (const path of text.split(/\s+/).filter(Boolean)) {
        let o = opened.current.get(path);
        if (!o && lenient) {
          // A default from depends= that is not a bundled sample (vfat.ko's fat): the what-if runs without it.
          o = await openWith(path, false).then(
            (r) => r[0],
            () => undefined,
          );
          if (o) out.push(o);
          continue;
        }
        if (!o) {
          if (!/^[\w-]+\/[\w-]+\.ko$/.test(path))
            throw new Error(`with: "${path}" is not a bundled sample (name/name.ko, e.g. provider/provider.ko)`);
          const res = await fetch(`samples/${path}`);
          if (!res.ok) throw new Error(`with: cannot fetch samples/${path} (HTTP ${res.status})`);
          const r = await host.call('open', { name: path.split('/').pop() ?? path, bytes: new Uint8Array(await res.arrayBuffer()) });
          if (!r.ok) throw new Error(`with: samples/${path}: ${r.error.message}`);
          o = r.value;
          opened.current.set(path, o);
        }
        out.push(o);
      }
      return out;
    },
    [host],
  );

  const run = useCallback(
    async (m: string, a: string, w: string, lenient = false) => {
      const my = ++seq.current;
      setBusy(true);
      setProblem(null);
      try {
        let deps: ModuleOverview[];
        try {
          deps = await openWith(w, lenient);
        } catch (e) {
          if (my !== seq.current) return;
          setAnswer(null);
          setProblem(e instanceof Error ? e.message : String(e));
          onState(null);
          return;
        }
        if (my !== seq.current) return;
        setWithMods(deps);
        if (lenient) {
          w = [...opened.current]
            .filter(([, o]) => deps.includes(o))
            .map(([p]) => p)
            .join(' ');
          setWithText(w);
        }
        const withIds = deps.map((d) => d.id);
        const ask = () =>
          host.call('whatif.run', {
            id: mod.id,
            mutation: m,
            args: a,
            ...(withIds.length ? { with: withIds } : {}),
            ...(profile.current ? { profile: profile.current } : {}),
          });
        let r = await ask();
        if (!r.ok && r.error.field === 'profile' && !profile.current) {
          profile.current = await fetchProfile();
          r = await ask();
        }
        if (my !== seq.current) return;
        if (!r.ok) {
          // A mutation that does not fit the module is the student's to fix, said beside the form.
          setAnswer(null);
          setProblem(`${r.error.message}${r.error.field ? ` (${r.error.field})` : ''}`);
          onState(null);
          return;
        }
        ran.current = `${m}\u0000${a}\u0000${w}`;
        setAnswer(r.value);
        setCursor(Math.min(r.value.divergence.index ?? 0, Math.max(r.value.base.steps.length, r.value.whatif.steps.length) - 1));
        onState({ mutation: m, args: a, with: w });
      } catch (e) {
        if (my === seq.current) onError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
      } finally {
        if (my === seq.current) setBusy(false);
      }
    },
    [host, mod.id, onError, onState, openWith],
  );

  // A link (or a pasted one) asks for a mutation once; the tab's first visit runs the default one; after
  // that only the form runs (coming back to the tab keeps what the student chose).
  const handled = useRef<number | null>(null);
  useEffect(() => {
    if (!active) return;
    if (want && handled.current !== want.nonce) {
      handled.current = want.nonce;
      const w = want.with ?? defaultWith(mod);
      setMutation(want.mutation);
      setArgs(want.args);
      setWithText(w);
      void run(want.mutation, want.args, w, want.with === undefined);
    } else if (ran.current === '') void run(mutation, args, withText, withText === defaultWith(mod));
  }, [active, want]);

  // Another module opened: its own first mutation.
  const modId = useRef(mod.id);
  useEffect(() => {
    if (modId.current === mod.id) return;
    modId.current = mod.id;
    const m = firstMutation(mod);
    const w = defaultWith(mod);
    setMutation(m);
    setArgs(defaultArgs(mod));
    setWithText(w);
    setAnswer(null);
    ran.current = '';
    if (active) void run(m, defaultArgs(mod), w, true);
  }, [mod, active, run]);

  const kind = kindOf(mutation);
  const argument = mutation.slice(kind.length + 1);
  const ctx: SuggestContext = useMemo(() => ({ withMods, sites: answer?.sites ?? [] }), [withMods, answer]);
  const offered = useMemo(() => suggestions(kind, mod, ctx), [kind, mod, ctx]);
  const offeredKinds = useMemo(() => viewKinds(kinds), [kinds]);
  const help = offeredKinds.find((k) => k.kind === kind);
  const rows = useMemo(() => (answer ? alignRows(answer) : []), [answer]);
  const folded = useMemo(() => (unfold ? { folded: 0, shown: rows } : fold(rows)), [rows, unfold]);
  const fresh = useMemo(() => (answer ? newLines(answer) : new Set<number>()), [answer]);
  const d = answer?.divergence ?? null;
  const cur = rows[cursor];

  const slide = (): SlideContext => ({
    stepNumber: cursor + 1,
    stepCount: rows.length,
    label: `step ${cursor + 1} / ${rows.length}${d?.index != null ? ` · the loads part at step ${d.index + 1}` : ''}`,
    pos: cursor,
    length: rows.length,
    phase: 'what if',
    title: `What if: ${answer?.change ?? mutation}`,
    fn: cur?.whatif?.fn ?? cur?.base?.fn ?? '',
    file: cur?.whatif?.file ?? '',
    text: d?.changed ? `${fnText(d.changed.fn)}: ${d.changed.title}. ${answer?.whatif.tail ?? ''}` : (answer?.whatif.tail ?? ''),
    textLines: 2,
    source: `${withMods.map((w) => `${w.fileName}, then `).join('')}${mod.fileName}${args ? ` ${args}` : ''} · what if ${mutation} · ${KERNEL_NAME}`,
  });
  useStepper('whatif', {
    slide,
    where: rows.length ? `step ${cursor + 1} / ${rows.length} · ${fnText(cur?.whatif?.fn ?? cur?.base?.fn ?? '')}` : '',
    move: (m) => {
      if (!rows.length) return;
      if (m === 'next' || m === 'prev') {
        const next = Math.max(0, Math.min(rows.length - 1, cursor + (m === 'next' ? 1 : -1)));
        if (next < folded.folded) setUnfold(true);
        setCursor(next);
      } else setCursor(m === 'first' ? (setUnfold(true), 0) : rows.length - 1);
    },
  });
  useEffect(() => {
    document.querySelector(`[data-testid="whatif-row"][data-index="${cursor}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void run(mutation, args, withText);
  };

  return (
    <div className="whatif-page" data-testid="whatif-page" data-busy={busy ? 'yes' : 'no'}>
      <form className="toolbar whatif-form" onSubmit={submit} data-testid="whatif-form">
        <strong>What if…</strong>
        <select
          value={kind}
          data-testid="whatif-kind"
          aria-label="what to break"
          onChange={(e) => {
            const k = e.target.value;
            setMutation(`${k}:${suggestions(k, mod, ctx)[0] ?? ''}`);
          }}
        >
          {(offeredKinds.length ? offeredKinds : [{ kind, what: '' }]).map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.kind}
            </option>
          ))}
        </select>
        <input
          className="mono whatif-arg"
          list="whatif-suggest"
          value={argument}
          data-testid="whatif-arg"
          aria-label="argument"
          placeholder={offered[0] ?? ''}
          onChange={(e) => setMutation(`${kind}:${e.target.value}`)}
        />
        <datalist id="whatif-suggest">
          {offered.map((s) => (
            <option key={s} value={s} label={suggestionLabel(kind, s, ctx)} />
          ))}
        </datalist>
        <label title="bundled samples loaded first on both kernels (modscope whatif --with)">
          with
          <input
            className="mono whatif-with"
            value={withText}
            placeholder="none"
            data-testid="whatif-with"
            onChange={(e) => setWithText(e.target.value)}
          />
        </label>
        <label>
          insmod {mod.fileName}
          <input className="mono" value={args} placeholder="param=value …" data-testid="whatif-args" onChange={(e) => setArgs(e.target.value)} />
        </label>
        <button className="btn primary" type="submit" disabled={busy} data-testid="whatif-run">
          {busy ? 'Loading both…' : 'Load both'}
        </button>
        {help && <span className="muted small whatif-help">{help.what}</span>}
      </form>
      {problem && (
        <div className="whatif-problem" role="alert" data-testid="whatif-problem">
          {problem}
        </div>
      )}
      {answer && (
        <div className="whatif-view" data-testid="whatif-view">
          <div className="whatif-change" data-testid="whatif-change">
            <span className="whatif-tag">what if</span> {answer.change}
            {withMods.length > 0 && <span className="muted small"> · {withMods.map((w) => w.fileName).join(', ')} loaded first</span>}
            {answer.fault && <FaultNote fault={answer.fault} count={answer.sites.length} />}
          </div>
          <div className="whatif-diverge" data-testid="whatif-divergence">
            {d?.index == null ? (
              <span>No step differs: both loads take the same {d?.shared ?? 0} steps.</span>
            ) : (
              <>
                <div className="whatif-diverge-head">
                  The loads part at step {d.index + 1}, after {d.shared} shared steps:{' '}
                  {d.changed ? (
                    <>
                      <code className="fn">{fnText(d.changed.fn)}</code>
                      {d.changed.file && <span className="muted"> ({d.changed.file})</span>} — {d.changed.title}
                      {d.changed.errno ? <strong className="whatif-errno"> → {d.changed.errno}</strong> : null}
                    </>
                  ) : (
                    <span>the what-if&apos;s load has ended</span>
                  )}
                </div>
                {d.changed?.text && <div className="whatif-diverge-text">{d.changed.text}</div>}
              </>
            )}
          </div>
          <div className="whatif-outcomes">
            <Outcome label="as it is" side={answer.base} testid="whatif-base-tail" />
            <Outcome label="what if" side={answer.whatif} testid="whatif-tail" />
          </div>
          <div className="whatif-table-wrap">
            <table className="whatif-table" data-testid="whatif-steps">
              <thead>
                <tr>
                  <th className="num">step</th>
                  <th>as it is</th>
                  <th>what if</th>
                </tr>
              </thead>
              <tbody>
                {folded.folded > 0 && (
                  <tr className="whatif-folded">
                    <td className="num">1–{folded.folded}</td>
                    <td colSpan={2}>
                      <button type="button" className="btn small" data-testid="whatif-unfold" onClick={() => setUnfold(true)}>
                        {folded.folded} shared steps
                      </button>{' '}
                      <span className="muted small">the same kernel functions, errnos and log lines on both sides</span>
                    </td>
                  </tr>
                )}
                {folded.shown.map((r) => (
                  <tr
                    key={r.index}
                    className={`whatif-row ${r.kind}${r.index === cursor ? ' current' : ''}`}
                    data-testid="whatif-row"
                    data-index={r.index}
                    data-kind={r.kind}
                    onClick={() => setCursor(r.index)}
                  >
                    <td className="num">{r.index + 1}</td>
                    {r.kind === 'shared' ? (
                      <td colSpan={2} className="whatif-cell">
                        <code className="fn">{fnText(r.base?.fn ?? '')}</code> <span className="muted">{r.base?.title}</span>
                      </td>
                    ) : (
                      <>
                        <Cell s={r.base} other={r.whatif} />
                        <Cell s={r.whatif} other={r.base} />
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="whatif-log" data-testid="whatif-log">
            <div className="whatif-log-head">Kernel log of the what-if load</div>
            {answer.whatif.log.length === 0 && <div className="muted">(nothing logged)</div>}
            {answer.whatif.log.map((l, i) => (
              <div key={i} className={`mono${fresh.has(i) ? ' fresh' : ' muted'}`}>
                &lt;{l.level}&gt;{l.text}
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

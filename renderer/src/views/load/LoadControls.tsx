/** The Load view's command strip: boot a kernel, insmod the open module, rmmod by name. */
import { useState } from 'react';
import type { KernelSummary } from '../../../../engine/api-types';

export interface BootOptions {
  paging: 4 | 5;
  kaslrSeed: number | null;
}

export function LoadControls({
  kernel,
  busy,
  moduleName,
  args,
  onArgs,
  syscall,
  onSyscall,
  rmName,
  onRmName,
  onBoot,
  onInsmod,
  onRmmod,
}: {
  kernel: KernelSummary | null;
  busy: boolean;
  moduleName: string;
  args: string;
  onArgs: (s: string) => void;
  syscall: 'finit_module' | 'init_module';
  onSyscall: (s: 'finit_module' | 'init_module') => void;
  rmName: string;
  onRmName: (s: string) => void;
  onBoot: (o: BootOptions) => void;
  onInsmod: () => void;
  onRmmod: () => void;
}) {
  const [paging, setPaging] = useState<4 | 5>(4);
  const [kaslr, setKaslr] = useState(false);
  const [seed, setSeed] = useState('1');
  const seedNum = Number(seed);
  const seedOk = !kaslr || (seed.trim() !== '' && Number.isInteger(seedNum) && seedNum >= 0);

  return (
    <div className="toolbar load-controls" data-testid="load-controls">
      <div className="ctl-group" role="group" aria-label="Boot">
        <div className="segmented" role="radiogroup" aria-label="Paging levels">
          {([4, 5] as const).map((p) => (
            <button
              key={p}
              role="radio"
              aria-checked={paging === p}
              className={paging === p ? 'on' : ''}
              onClick={() => setPaging(p)}
              data-testid={`paging-${p}`}
            >
              {p}-level
            </button>
          ))}
        </div>
        <label title="Kernel address space layout randomisation">
          <input type="checkbox" checked={kaslr} onChange={(e) => setKaslr(e.target.checked)} data-testid="kaslr-toggle" /> KASLR
        </label>
        {kaslr && (
          <label>
            <span className="muted">seed</span>
            <input
              className="seed"
              value={seed}
              onChange={(e) => setSeed(e.target.value)}
              aria-label="KASLR seed"
              data-testid="kaslr-seed"
              inputMode="numeric"
            />
          </label>
        )}
        <button
          className="btn primary"
          data-testid="boot-button"
          disabled={busy || !seedOk}
          onClick={() => onBoot({ paging, kaslrSeed: kaslr ? seedNum : null })}
          title={kernel ? 'Boot again: a fresh kernel, an empty timeline' : 'Boot the modelled Debian 6.1 kernel'}
        >
          {kernel ? 'Reboot' : 'Boot'}
        </button>
        {kernel && (
          <span className="muted small kernel-badge" data-testid="kernel-summary" title={kernel.vermagic}>
            {kernel.release}
            {kernel.machine ? ` on ${kernel.machine}` : ''} · {kernel.paging}-level · {kernel.kaslr ? `KASLR seed ${kernel.seed}` : 'nokaslr'}
          </span>
        )}
      </div>
      <div className="ctl-group" role="group" aria-label="insmod">
        <span className="mono prompt">insmod {moduleName}</span>
        <input
          className="args mono"
          value={args}
          onChange={(e) => onArgs(e.target.value)}
          placeholder="param=value …"
          aria-label="Module parameters"
          data-testid="module-args"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && kernel && !busy) onInsmod();
          }}
        />
        <select
          value={syscall}
          onChange={(e) => onSyscall(e.target.value as 'finit_module' | 'init_module')}
          aria-label="System call"
          data-testid="syscall-select"
        >
          <option value="finit_module">finit_module</option>
          <option value="init_module">init_module</option>
        </select>
        <button className="btn primary" data-testid="insmod-button" disabled={!kernel || busy} onClick={onInsmod}>
          insmod
        </button>
      </div>
      <div className="ctl-group" role="group" aria-label="rmmod">
        <input
          className="rmname mono"
          value={rmName}
          onChange={(e) => onRmName(e.target.value)}
          aria-label="Module to remove"
          data-testid="rmmod-name"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && kernel && !busy && rmName.trim()) onRmmod();
          }}
        />
        <button className="btn" data-testid="rmmod-button" disabled={!kernel || busy || !rmName.trim()} onClick={onRmmod}>
          rmmod
        </button>
      </div>
    </div>
  );
}

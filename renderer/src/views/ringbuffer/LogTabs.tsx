/** The Load view's log slot: the dmesg list or the printk ring buffer pane, one at a time. */
import { memo, useState } from 'react';
import type { LogRow } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { LogPane } from '../load/KernelPanes';
import { RingBufferPane } from './RingBufferPane';

/** Memoised: a seek within a step keeps the same log rows (useKernelTimeline keeps the array), so nothing here re-renders. */
export const LogTabs = memo(function LogTabs({ log, currentLog, host, pos }: { log: LogRow[]; currentLog: number[]; host?: Host; pos?: number }) {
  const [tab, setTab] = useState<'dmesg' | 'ring'>('dmesg');
  return (
    <div className="log-tabs">
      <div className="log-tabs-bar">
        <div className="segmented" role="tablist" aria-label="Kernel log view">
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'dmesg'}
            className={tab === 'dmesg' ? 'on' : ''}
            onClick={() => setTab('dmesg')}
            data-testid="log-tab-dmesg"
          >
            dmesg
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'ring'}
            className={tab === 'ring' ? 'on' : ''}
            onClick={() => setTab('ring')}
            data-testid="log-tab-ring"
          >
            printk buffer
          </button>
        </div>
      </div>
      {tab === 'dmesg' ? <LogPane log={log} currentLog={currentLog} /> : <RingBufferPane log={log} currentLog={currentLog} host={host} pos={pos} />}
    </div>
  );
});

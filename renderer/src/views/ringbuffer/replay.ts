/**
 * Replays the SeekView's log rows (records printed up to the cursor) into engine/printk's two
 * buffer designs. Pure: the pane calls it whenever the cursor, a size or console_loglevel changes.
 */
import type { LogRow } from '../../../../engine/api-types';
import { PrintkBuffer } from '../../../../engine/printk/index';

/** "[    2.000001]" → ns since boot (the row carries print_time()'s text, microsecond precision). */
export function parseTimeNs(time: string): number {
  const m = /\[\s*(\d+)\.(\d{1,9})\]/.exec(time);
  if (!m) return 0;
  return Number(m[1]) * 1e9 + Number(m[2].padEnd(6, '0').slice(0, 6)) * 1e3;
}

export interface ReplayOptions {
  classicLen: number;
  recordShift: number;
  consoleLoglevel: number;
}

export function replay(log: LogRow[], o: ReplayOptions): PrintkBuffer {
  const p = new PrintkBuffer({ classicLen: o.classicLen, recordShift: o.recordShift, consoleLoglevel: o.consoleLoglevel });
  for (const r of log) p.printk({ level: r.level, facility: r.facility, text: r.text, tsNs: r.tsNs ?? parseTimeNs(r.time), tag: r.seq });
  return p;
}

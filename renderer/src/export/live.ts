/**
 * The Export menu on screen, as its latest props (steps, position, seek, the views' root): read by
 * the automation hook (renderer/src/automation.ts) that `modscope export` and `modscope deck` drive.
 */
import type { RefObject } from 'react';
import type { ExportMenuProps } from './ExportMenu';

let current: RefObject<ExportMenuProps> | null = null;

/** Register the menu's props ref; returns the effect's cleanup. */
export function attachLiveExport(ref: RefObject<ExportMenuProps>): () => void {
  current = ref;
  return () => {
    if (current === ref) current = null;
  };
}

export function liveExport(): ExportMenuProps | null {
  return current?.current ?? null;
}

/**
 * The 6.1 kernel's generation: a counter the host bumps on every successful kernel.boot of Linux
 * 6.1, whoever asked for it (the Load view, a tour in the Lessons tab, the comparison). A boot
 * replaces the kernel and its timeline, so a view that shows the 6.1 timeline re-reads it when the
 * generation moves past the boots it made itself.
 */
import { useSyncExternalStore } from 'react';
import type { BootRequest, KernelSummary } from '../../../engine/api-types';
import type { Host } from './host';

export interface KernelGeneration {
  /** 0 until the first 6.1 boot. */
  n: number;
  /** What the latest 6.1 boot answered. */
  kernel: KernelSummary | null;
}

let current: KernelGeneration = { n: 0, kernel: null };
const listeners = new Set<() => void>();

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function kernelGeneration(): KernelGeneration {
  return current;
}

export function useKernelGeneration(): KernelGeneration {
  return useSyncExternalStore(subscribe, kernelGeneration);
}

/** The host, its kernel.boot answers counted (a boot without a version is a 6.1 boot). */
export function countingBoots(inner: Host): Host {
  return {
    ...inner,
    async call(method, arg, onProgress) {
      const r = await inner.call(method, arg, onProgress);
      if (r.ok && method === 'kernel.boot' && ((arg as BootRequest).version ?? '6.1') === '6.1') {
        current = { n: current.n + 1, kernel: r.value as KernelSummary };
        listeners.forEach((l) => l());
      }
      return r;
    },
  };
}

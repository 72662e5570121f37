/**
 * Caption templates: "{item.type} patches {item.where}" filled from the step a stop resolved to.
 * A placeholder is a path into { step, item, operation } of the engine's SeekView; one that names
 * nothing is a typed error (a tour test catches it before a lecturer does).
 */
import type { SeekView } from '../api-types';
import { TourError } from './errors';

const PLACEHOLDER = /\{([a-zA-Z_][\w]*(?:\.[a-zA-Z_][\w]*)*)\}/g;

export function captionFields(caption: string): string[] {
  return [...caption.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

function lookup(root: Record<string, unknown>, path: string): unknown {
  let v: unknown = root;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

export function fillCaption(caption: string, view: Pick<SeekView, 'step' | 'item' | 'operation'>, tour = '', stop?: number): string {
  const root = { step: view.step, item: view.item, operation: view.operation } as unknown as Record<string, unknown>;
  return caption.replace(PLACEHOLDER, (_, path: string) => {
    const v = lookup(root, path);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new TourError('BAD_CAPTION', `${tour}: stop ${stop ?? '?'}: {${path}} names nothing at this step`, tour, stop, 'caption');
  });
}

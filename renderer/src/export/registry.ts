/**
 * Every view that exports, in one list read by the Export menus, the automation hook (`modscope
 * export/deck`), the tour decks and the e2e: its id, its label, the tab it lives on, where it is on
 * the page, and what to do to bring it on screen (a sub-tab to click). A view is captured with
 * domToSvg (HTML and mixed views) — text stays text, embedded SVG keeps its vectors.
 */
import { domToSvg } from './domSvg';
import type { ExportTheme, SvgImage } from './svgExport';

export type ViewId =
  | 'filemap'
  | 'sections'
  | 'relocations'
  | 'reloc-card'
  | 'symbol-card'
  | 'memory'
  | 'cpu'
  | 'ring'
  | 'dmesg'
  | 'module-graph'
  | 'load-flow'
  | 'compare-lanes'
  | 'compare-detail'
  | 'lesson-stop'
  | 'caption';

export interface ViewDef {
  id: ViewId;
  label: string;
  /** The app tab that shows it. */
  tab: string;
  /** Where it is (the first visible match counts). */
  selector: string;
  /** Clicked first when the view is not on screen (a sub-tab, a disclosure). */
  reveal?: string;
}

export const VIEWS: ViewDef[] = [
  { id: 'filemap', label: 'File map', tab: 'filemap', selector: '[data-testid="file-map"]' },
  { id: 'sections', label: 'Sections', tab: 'sections', selector: '[data-testid="sections-table"]' },
  { id: 'relocations', label: 'Relocations window', tab: 'relocations', selector: '[data-testid="tab-panel"][data-tab="relocations"] .pane-with-toolbar' },
  { id: 'reloc-card', label: 'Relocation card', tab: 'load', selector: '[data-testid="relocation-detail"]' },
  { id: 'symbol-card', label: 'Symbol card', tab: 'load', selector: '[data-testid="symbol-detail"]' },
  { id: 'memory', label: 'Memory map', tab: 'load', selector: '[data-testid="memory-map"]' },
  { id: 'cpu', label: 'CPU pane', tab: 'load', selector: '[data-testid="cpu-panel"]' },
  { id: 'ring', label: 'printk ring buffer', tab: 'load', selector: '[data-testid="ring-pane"]', reveal: '[data-testid="log-tab-ring"]' },
  { id: 'dmesg', label: 'dmesg', tab: 'load', selector: '[data-testid="kernel-log"]', reveal: '[data-testid="log-tab-dmesg"]' },
  { id: 'module-graph', label: 'Module graph', tab: 'load', selector: '[data-testid="module-graph"]', reveal: '[data-testid="modules-tab-graph"]' },
  { id: 'load-flow', label: 'Load flow', tab: 'load', selector: '[data-testid="load-flow"]', reveal: '[data-testid="load-flow-toggle"]' },
  { id: 'compare-lanes', label: 'Compare: lanes', tab: 'compare', selector: '[data-testid="compare-lanes"]' },
  { id: 'compare-detail', label: 'Compare: step detail', tab: 'compare', selector: '[data-testid="compare-detail"]' },
  { id: 'lesson-stop', label: 'Lesson stop', tab: 'lessons', selector: '[data-testid="tour-figure"]' },
  { id: 'caption', label: 'Step caption', tab: 'load', selector: '[data-testid="step-caption"]' },
];

export const VIEW_IDS = VIEWS.map((v) => v.id);

export function viewDef(id: string): ViewDef | null {
  return VIEWS.find((v) => v.id === id) ?? null;
}

function visible(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

/** The view's element on the page now, or null. */
export function findView(id: ViewId, root: ParentNode = document): HTMLElement | null {
  const d = viewDef(id);
  if (!d) return null;
  for (const el of root.querySelectorAll<HTMLElement>(d.selector)) if (visible(el)) return el;
  return null;
}

/** The views on screen now (for a menu). */
export function viewsOnScreen(root: ParentNode = document): ViewDef[] {
  return VIEWS.filter((v) => findView(v.id, root));
}

/** Click the view's reveal control when it is not shown; true when it is on screen after. */
export function reveal(id: ViewId): boolean {
  if (findView(id)) return true;
  const d = viewDef(id);
  const c = d?.reveal ? document.querySelector<HTMLElement>(d.reveal) : null;
  if (c) c.click();
  return false;
}

export interface CaptureOptions {
  theme?: ExportTheme;
  /** 'transparent' for none. */
  background?: string;
}

/** The view as an SVG document (throws, naming the view, when it is not on screen). */
export function captureRegistered(id: ViewId, opts: CaptureOptions = {}, root: ParentNode = document): SvgImage {
  const el = findView(id, root);
  if (!el) throw new Error(`the ${viewDef(id)?.label ?? id} is not on screen (it lives on the ${viewDef(id)?.tab ?? '?'} tab)`);
  return domToSvg(el, { theme: opts.theme ?? 'projector', background: opts.background });
}

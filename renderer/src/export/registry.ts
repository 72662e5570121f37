/**
 * Every view that exports, in one list read by the Export menus, the automation hook (`modscope
 * export/deck`), the tour decks and the e2e: its id, its label, the tab it lives on, where it is on
 * the page, and what to do to bring it on screen (a sub-tab to click). A view is captured with
 * domToSvg (HTML and mixed views) — text stays text, embedded SVG keeps its vectors — whole, its
 * scroll boxes grown to their content (expand.ts).
 */
import { domToSvg } from './domSvg';
import { withExpanded } from './expand';
import type { ExportTheme, SvgImage } from './svgExport';

export { VIEWS, type ViewDef, type ViewId } from '../../../host-common/views';
import { VIEWS, type ViewDef, type ViewId } from '../../../host-common/views';

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

/**
 * On screen and drawn: no part of it still waits for an asynchronous layout (the module graph and the
 * load flow mark themselves data-layout="pending" until elkjs has placed them).
 */
export function viewReady(id: ViewId, root: ParentNode = document): boolean {
  const el = findView(id, root);
  return !!el && el.getAttribute('data-layout') !== 'pending' && !el.querySelector('[data-layout="pending"]');
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
  return withExpanded(el, () => domToSvg(el, { theme: opts.theme ?? 'projector', background: opts.background }));
}

/**
 * The app's panes as plain data (no DOM), one registry every reader takes them from: the tab bar and links
 * (renderer/src/App.tsx, present/appLink.ts: #view=ID), the Export menus and automation (export/registry.ts),
 * the CLI (`modscope export --view …`, its help) and the e2e export loop. A tab added to TABS is in the tab bar
 * and takes links; a view added to VIEWS exports everywhere. ARCHITECTURE.md, "Where to add… a view".
 */

/** The app's tabs, in tab-bar order: id (the link's #view=ID) and label. */
export const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'filemap', label: 'File map' },
  { id: 'sections', label: 'Sections' },
  { id: 'symbols', label: 'Symbols' },
  { id: 'relocations', label: 'Relocations' },
  { id: 'hex', label: 'Hex' },
  { id: 'modinfo', label: 'Modinfo' },
  { id: 'load', label: 'Load' },
  { id: 'compare', label: '2.4 ⇄ 6.1' },
  { id: 'whatif', label: 'What if' },
  { id: 'lessons', label: 'Lessons' },
] as const;

export type TabId = (typeof TABS)[number]['id'];
export const TAB_IDS: readonly TabId[] = TABS.map((t) => t.id);

interface ViewRow {
  id: string;
  label: string;
  /** The app tab that shows it. */
  tab: TabId;
  /** Where it is (the first visible match counts). */
  selector: string;
  /** Clicked first when the view is not on screen (a sub-tab, a disclosure). */
  reveal?: string;
}

/** The exportable views: a pane, a card or a figure inside a tab. */
const VIEW_ROWS = [
  { id: 'filemap', label: 'File map', tab: 'filemap', selector: '[data-testid="file-map"]' },
  { id: 'sections', label: 'Sections', tab: 'sections', selector: '[data-testid="sections-table"]' },
  {
    id: 'relocations',
    label: 'Relocations window',
    tab: 'relocations',
    selector: '[data-testid="tab-panel"][data-tab="relocations"] .pane-with-toolbar',
  },
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
  { id: 'whatif', label: 'What if: both loads', tab: 'whatif', selector: '[data-testid="whatif-view"]' },
  { id: 'caption', label: 'Step caption', tab: 'load', selector: '[data-testid="step-caption"]' },
] as const satisfies readonly ViewRow[];

export type ViewId = (typeof VIEW_ROWS)[number]['id'];
export interface ViewDef extends ViewRow {
  id: ViewId;
}
export const VIEWS: ViewDef[] = [...VIEW_ROWS];

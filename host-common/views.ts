/**
 * The exportable views as plain data (no DOM), read by the app (registry.ts), the automation hook
 * and the CLI (`modscope export --view …`): one list, so a view added here exists everywhere.
 */
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
  | 'whatif'
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
];

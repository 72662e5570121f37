/**
 * Dependencies from symbols, as depmod computes them (kmod tools/depmod.c): a module depends on
 * every module that exports one of its undefined symbols (vmlinux exports need nothing). Loading in
 * dependency order is what modprobe does with modules.dep.
 */
export interface DepInput {
  name: string;
  /** Names the module exports (__ksymtab*). */
  exports: readonly string[];
  /** Its undefined symbols (weak ones included: depmod counts them too, but they are optional). */
  imports: readonly { name: string; weak: boolean }[];
}

export interface DepResult {
  /** Module names in an order where every module comes after its dependencies. */
  order: string[];
  deps: Map<string, string[]>;
  /** Strong undefined symbols nobody exports (the load will fail with "Unknown symbol"). */
  missing: Map<string, string[]>;
  /** Modules in a dependency cycle (loaded in name order; the kernel would fail one of them). */
  cycles: string[];
  /** Symbols exported by more than one module: name → modules. */
  duplicates: Map<string, string[]>;
}

export function computeDependencies(mods: readonly DepInput[], isKernelExport: (name: string) => boolean): DepResult {
  const exporter = new Map<string, string>();
  const duplicates = new Map<string, string[]>();
  const sorted = [...mods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const m of sorted) {
    for (const e of m.exports) {
      const prev = exporter.get(e);
      if (prev === undefined) exporter.set(e, m.name);
      else duplicates.set(e, [...(duplicates.get(e) ?? [prev]), m.name]);
    }
  }
  const deps = new Map<string, string[]>();
  const missing = new Map<string, string[]>();
  for (const m of sorted) {
    const d = new Set<string>();
    for (const imp of m.imports) {
      if (isKernelExport(imp.name)) continue;
      const owner = exporter.get(imp.name);
      if (owner !== undefined && owner !== m.name) d.add(owner);
      else if (owner === undefined && !imp.weak) missing.set(m.name, [...(missing.get(m.name) ?? []), imp.name]);
    }
    deps.set(m.name, [...d].sort());
  }
  // Depth-first post-order: dependencies first.
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const cycles = new Set<string>();
  const visit = (n: string, stack: string[]): void => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) {
      for (const x of stack.slice(stack.indexOf(n))) cycles.add(x);
      return;
    }
    state.set(n, 1);
    for (const d of deps.get(n) ?? []) visit(d, [...stack, n]);
    state.set(n, 2);
    order.push(n);
  };
  for (const m of sorted) visit(m.name, []);
  return { order, deps, missing, cycles: [...cycles].sort(), duplicates };
}

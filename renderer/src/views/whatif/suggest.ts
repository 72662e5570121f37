/**
 * What to offer for each kind of what-if on a given module: the arguments that make sense for it
 * (its own imports, its parameters, the header fields elf_validity_check() reads), and the first
 * mutation to show when the tab opens. Pure: the module's overview in, strings out.
 */
import type { AllocSite, ModuleOverview } from '../../../../engine/api-types';
import { FAIL_FUNCTIONS } from '../../../../engine/whatif/index';

/** "crc:SYMBOL" → "crc"; the kinds come from the engine (whatif.list). */
export function kindOf(name: string): string {
  const c = name.indexOf(':');
  return c < 0 ? name : name.slice(0, c);
}

/**
 * The kinds the view offers, one entry per kind (field: has a header and a section-header form; fail-alloc: a
 * number and a site), from whatif.list. Not offered: the A+B chain (a list entry, not a kind) and fail-alloc:list
 * (the view offers the sites themselves, from the answer).
 */
export function viewKinds(list: readonly { name: string; what: string }[]): { kind: string; what: string }[] {
  const out: { kind: string; what: string }[] = [];
  for (const k of list) {
    const kind = kindOf(k.name);
    if (!/^[a-z-]+$/.test(kind) || k.name === 'fail-alloc:list') continue;
    const seen = out.find((o) => o.kind === kind);
    if (seen) seen.what += ` · ${k.what}`;
    else out.push({ kind, what: k.what });
  }
  return out;
}

/** What else the view knows when it offers arguments: the providers loaded first, and the allocation sites of the last answer. */
export interface SuggestContext {
  /** The modules loaded before the open one (the What if tab's "with"), by their overviews. */
  withMods?: readonly ModuleOverview[];
  /** The allocation sites the unmodified load reaches (WhatIfAnswer.sites). */
  sites?: readonly AllocSite[];
}

/** The modules a module names in its modinfo depends= (modpost writes them: consumer.ko → "provider"). */
export function dependsOf(mod: ModuleOverview): string[] {
  const d = mod.modinfo.find((m) => m.key === 'depends')?.value ?? '';
  return d.split(',').filter(Boolean);
}

/** Arguments to offer for a kind on this module (the first is the default). */
export function suggestions(kind: string, mod: ModuleOverview, ctx: SuggestContext = {}): string[] {
  const versions = mod.versions.map((v) => v.name);
  const vermagic = mod.modinfo.find((m) => m.key === 'vermagic')?.value ?? '';
  switch (kind) {
    case 'crc':
    case 'drop-version':
      // A symbol the module really calls first (_printk on the samples), then the rest.
      return [...versions.filter((n) => n === '_printk'), ...versions.filter((n) => n !== '_printk' && n !== 'module_layout')];
    case 'vermagic': {
      const other = vermagic.replace(/^\S+/, (r) => r.replace(/-(\d+)-/, (_m, n: string) => `-${Number(n) - 1}-`));
      return [other !== vermagic ? other : '6.1.0-49-amd64 SMP preempt mod_unload modversions', vermagic.replace(/ SMP/, '')].filter(
        (v) => v && v !== vermagic,
      );
    }
    case 'licence':
      return [mod.license === 'Proprietary' ? 'GPL' : 'Proprietary', 'GPL', 'Dual BSD/GPL'];
    case 'signature':
      return mod.signature.present ? ['strip', 'corrupt'] : ['strip'];
    case 'byte':
      return ['0x40=0x90', '0x0=0x00'];
    case 'field':
      return ['e_machine=3', 'e_ident[EI_CLASS]=1', 'e_type=2', 'e_shentsize=0', 'e_shstrndx=0xffff'];
    case 'param':
      return mod.params.map((p) => `${p.name}=${/bool/.test(p.type) ? 'maybe' : 'abc'}`);
    case 'unexport':
      // The open module's own exports, then the providers' (unexporting one of those leaves the open module's import unresolved).
      return [...mod.exports.map((e) => e.name), ...(ctx.withMods ?? []).flatMap((w) => w.exports.map((e) => e.name))];
    case 'without':
      return (ctx.withMods ?? []).map((w) => w.thisModule?.name ?? w.fileName.replace(/\.ko$/, ''));
    case 'fail-alloc':
      // By site name (what the kernel function allocates), then by number, as the unmodified load reaches them.
      return [...(ctx.sites ?? []).map((s) => s.id), ...(ctx.sites ?? []).map((s) => String(s.n))];
    case 'fail': {
      const first = versions.find((n) => n === '_printk') ?? versions.find((n) => n !== 'module_layout');
      return [...FAIL_FUNCTIONS.map((f) => f[0]), ...(first ? [`simplify_symbols:${first}`] : [])];
    }
    case 'init':
      return ['-12', '-19', '-22', '1'];
    default:
      return [];
  }
}

/** The label a suggested argument gets in the list: for fail-alloc, the kernel function and what it allocates. */
export function suggestionLabel(kind: string, value: string, ctx: SuggestContext = {}): string {
  if (kind === 'fail-alloc') {
    const s = ctx.sites?.find((x) => x.id === value || String(x.n) === value);
    if (s) return `#${s.n} ${s.id}: ${s.fn}() → ${s.allocator}(), ${s.what}`;
  }
  if (kind === 'fail') {
    const f = FAIL_FUNCTIONS.find((x) => x[0] === value.split(':')[0]);
    if (f) return `${f[0]}(): ${f[2]}`;
  }
  return value;
}

/** The mutation the tab shows first: a wrong CRC where the module has __versions, else another vermagic. */
export function firstMutation(mod: ModuleOverview): string {
  const crc = suggestions('crc', mod)[0];
  if (crc) return `crc:${crc}`;
  const vm = suggestions('vermagic', mod)[0];
  return vm ? `vermagic:${vm}` : 'field:e_machine=3';
}

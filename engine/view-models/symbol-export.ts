/**
 * For an undefined symbol of simplify_symbols(): the export that satisfies it and resolve_symbol()'s
 * checks as pass/fail (kernel/module/main.c, Linux 6.1). find_symbol() skips GPL-only exports when
 * the module is not GPL-compatible (its TAINT_PROPRIETARY_MODULE bit, set from MODULE_LICENSE by
 * module_license_taint_check()), so a proprietary module sees "Unknown symbol" for them; here the
 * export is still named, with the licence check failing, so the reason is visible.
 */
import type { OperationInfo } from '../api-types';
import type { ModelKernel } from '../kernel/model';
import { hex32, hex64 } from '../base/hex';
import type { SymbolDetail, SymbolExport } from '../trace/types';

/**
 * Whether the module this operation loads is proprietary at pos: check_modinfo() (via
 * module_license_taint_check()) tainted it P — the bit find_symbol()'s gplok is computed from.
 */
function proprietaryAt(k: ModelKernel, op: OperationInfo, pos: number): boolean {
  for (let i = Math.max(0, k.timeline.indexAt(op.startPos)); i < k.timeline.stepCount(); i++) {
    const st = k.timeline.step(i);
    if (!st || st.op !== op.index || st.pos > pos) break;
    if (st.effects.some((e) => e.kind === 'taint' && e.letter === 'P' && e.module !== null)) return true;
  }
  return false;
}

function exportOf(k: ModelKernel, name: string, provider: string | null): SymbolExport | null {
  const fromModule = (owner: string): SymbolExport | null => {
    const m = k.findModule(owner);
    const e = m?.exports.find((x) => x.name === name);
    return e ? { owner, address: hex64(e.address), gplOnly: e.gpl, namespace: e.namespace, crc: e.crc === null ? null : hex32(e.crc) } : null;
  };
  if (provider && provider !== 'vmlinux') return fromModule(provider);
  const v = k.profile.lookup(name);
  if (v && v.module === 'vmlinux')
    return { owner: 'vmlinux', address: hex64(k.vmlinuxAddress(v)), gplOnly: v.gpl, namespace: v.namespace, crc: hex32(v.crc) };
  if (provider === 'vmlinux') return null;
  // Not found by find_symbol(): a loaded module may still export it GPL-only (hidden from a proprietary module).
  for (const m of k.modules) {
    const e = fromModule(m.name);
    if (e) return e;
  }
  return null;
}

/** Adds `export` and `licence` to an undefined symbol's detail. */
export function withSymbolExport(k: ModelKernel, s: SymbolDetail, op: OperationInfo, pos: number): SymbolDetail {
  if (s.section !== 'UND' || s.status === 'not-reached' || !s.name) return s;
  const exp = exportOf(k, s.name, s.provider);
  const gplCompatible = !proprietaryAt(k, op, pos);
  let licence: SymbolDetail['licence'] = null;
  if (exp) {
    const ok = !exp.gplOnly || gplCompatible;
    licence = {
      moduleGplCompatible: gplCompatible,
      ok,
      text: !exp.gplOnly
        ? 'EXPORT_SYMBOL: any licence may use it'
        : ok
          ? 'EXPORT_SYMBOL_GPL: the module is GPL-compatible'
          : 'EXPORT_SYMBOL_GPL, but the module is proprietary: find_symbol() skips it',
    };
  }
  return { ...s, export: exp, licence };
}

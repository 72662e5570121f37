/**
 * jump_label_add_module() (kernel/jump_label.c), run by the MODULE_STATE_COMING notifier chain in
 * prepare_coming_module(): the module's jump sites of keys defined elsewhere are rewritten where the key's state is
 * not its defined one (jump_label_type() != jump_label_init_type()); sites of the module's own keys stay as compiled
 * (static_key_set_entries()). Keys of the kernel image are vmlinux data the model reads at their defined state.
 */
import { keyState, moduleJumpEntries, patchSite } from '../kernel/jump-label';
import type { LoadInfo } from './context';

export function jumpLabelAddModule(info: LoadInfo): void {
  const { k, rec } = info;
  const entries = moduleJumpEntries(k.memory, info.placed);
  if (!entries.length) return;
  const own = (a: bigint): boolean => info.placed.some((s) => a >= s.address && a < s.address + BigInt(s.size));
  const rewritten = new Map<string, number>();
  for (const e of entries) {
    if (own(e.key)) continue;
    const st = keyState(k.memory, e.key);
    if (!st || st.enabled === st.type) continue;
    const key = keyName(k.modules, e.key);
    if (patchSite(k.memory, e, st.enabled !== e.branch, rec.pos, `jump_label_add_module: ${key}`))
      rewritten.set(key, (rewritten.get(key) ?? 0) + 1);
  }
  if (!rewritten.size) return;
  const n = [...rewritten.values()].reduce((a, b) => a + b, 0);
  rec.step({
    phase: 'formation',
    fn: 'jump_label_add_module',
    file: 'kernel/jump_label.c',
    title: `${n} jump site${n === 1 ? '' : 's'} rewritten for keys already switched`,
    text:
      `The module's __jump_table lists ${entries.length} static-branch sites. Keys defined in other modules whose state ` +
      `is no longer their initial one have their sites rewritten now (NOP ↔ JMP, as text_poke would): ` +
      `${[...rewritten].map(([key, c]) => `${key} ${c}`).join(', ')}.`,
  });
}

/** The key's symbol and module ("base_inv_true_key [test_static_key_base]"), or its address. */
function keyName(modules: LoadInfo['k']['modules'], a: bigint): string {
  // The module holding the key (an importer's symbol table lists the same value for its undefined symbol).
  const m = modules.find((x) => x.allSections.some((s) => a >= s.address && a < s.address + BigInt(s.size)));
  const s = m?.symbolTable.find((x) => x.value === a && x.name !== '');
  if (m && s) return `${s.name} [${m.name}]`;
  return `0x${a.toString(16)}`;
}

/**
 * What a relocation type means, read from the table the loader applies (X86_64_RELOC_RULES in
 * engine/elf/x86-64-relocations.ts, after __apply_relocate_add() in arch/x86/kernel/module.c): how many bytes
 * it writes at P, whether P is subtracted, the formula, and the kernel's range check.
 */
import { x86RelocRule as relocRule, type RelocRule } from '../../../../engine/elf/index';

const relocFormula = (rule: RelocRule): string => rule.formula;

export function checkText(rule: RelocRule): string {
  if (rule.check === 'zero-extend-32') return 'S + A must fit in 32 bits unsigned (zero-extends), else "overflow in relocation type" and -ENOEXEC';
  if (rule.check === 'sign-extend-32') return 'S + A must fit in 32 bits signed (sign-extends), else "overflow in relocation type" and -ENOEXEC';
  if (rule.width === 4) return 'none: the value is truncated to 32 bits (6.1 does not check PC32/PLT32)';
  if (rule.width === 8) return 'none: 64 bits hold any value';
  return 'none: nothing is written';
}

/** One line: "4 bytes · PC-relative · S + A − P · no range check". */
export function relocTypeLine(typeNumber: number): string {
  const rule = relocRule(typeNumber);
  if (!rule) return 'not handled by the x86-64 module loader: "Unknown rela relocation", the load fails with -ENOEXEC';
  if (rule.width === 0) return 'writes nothing (R_X86_64_NONE is skipped)';
  const formula = relocFormula(rule).replace(' - ', ' − ');
  return `writes ${rule.width} bytes at P · ${rule.pcRelative ? 'PC-relative' : 'absolute'} · ${formula} · range check: ${checkText(rule)}`;
}

export function RelocTypeInfo({ type, typeNumber, onClose }: { type: string; typeNumber: number; onClose?: () => void }) {
  const rule = relocRule(typeNumber);
  return (
    <div className="reloc-type-info" role="note" data-testid="reloc-type-info" aria-label={`What ${type} means`}>
      <strong>
        <code>{type}</code>
      </strong>{' '}
      <span className="muted">(type {typeNumber})</span>
      {rule ? (
        <dl className="kv compact-kv">
          <dt>width</dt>
          <dd data-testid="type-width">{rule.width === 0 ? 'nothing written' : `${rule.width} bytes at P`}</dd>
          <dt>PC-relative</dt>
          <dd data-testid="type-pcrel">{rule.pcRelative ? 'yes: the address of the field itself (P) is subtracted' : 'no: an absolute value'}</dd>
          <dt>formula</dt>
          <dd data-testid="type-formula">
            <code>{relocFormula(rule).replace(' - ', ' − ')}</code>
          </dd>
          <dt>range check</dt>
          <dd data-testid="type-check">{checkText(rule)}</dd>
        </dl>
      ) : (
        <div>{relocTypeLine(typeNumber)}</div>
      )}
      <div className="muted small">From the rules the loader applies (__apply_relocate_add, arch/x86/kernel/module.c).</div>
      {onClose && (
        <button className="btn ghost small" onClick={onClose} aria-label="Close the explanation" data-testid="reloc-type-close">
          ✕
        </button>
      )}
    </div>
  );
}

/** Legend lines for the letters of a relocation formula. */
export const FORMULA_LEGEND: { sym: string; text: string }[] = [
  { sym: 'S', text: "the symbol's final address (after simplify_symbols)" },
  { sym: 'A', text: 'the addend stored in the .rela entry' },
  { sym: 'P', text: 'the address of the field being patched (section address + r_offset)' },
];

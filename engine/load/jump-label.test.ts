/**
 * Jump labels in module text (engine/kernel/jump-label.ts), on the corpus's own self-test: test_static_keys.ko checks,
 * key by key, that static_key_enabled() and the code at each static-branch site agree (lib/test_static_keys.c
 * verify_keys(): -EINVAL on the first mismatch), before and after inverting every key. Its keys include four of
 * test_static_key_base.ko that the base module's init switched, so the sites must be rewritten when test_static_keys
 * comes (jump_label_add_module), and the inversions must rewrite them again (jump_label_update). On the real kernel under
 * QEMU `modprobe test_static_keys` loads both and returns 0. Before: the model ran the sites as compiled and init returned
 * -EINVAL, a failure Linux does not have.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../main/cli/modscope';
import { CORPUS } from '../../scripts/test-support/kernel';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';
import { readJumpEntries, siteBytes } from '../kernel/jump-label';

describe('struct jump_entry and the bytes __jump_label_patch() writes', () => {
  it('reads relative entries (code, target, key with its branch bit) and makes x86 NOPs and JMPs of the site size', () => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    const base = 0xffffffffc0300000n;
    dv.setInt32(0, -0x100, true); // code = base - 0x100
    dv.setInt32(4, -0xf0, true); // target = base + 4 - 0xf0
    dv.setBigInt64(8, 0x2000n - 8n + 1n, true); // key = base + 0x2000, branch bit set
    const [e] = readJumpEntries(b, base);
    expect(e).toEqual({ code: base - 0x100n, target: base + 4n - 0xf0n, key: base + 0x2000n, branch: true });
    expect([...siteBytes(e, false, 5)]).toEqual([0x0f, 0x1f, 0x44, 0x00, 0x00]);
    expect([...siteBytes(e, false, 2)]).toEqual([0x66, 0x90]);
    // jmp from code to target: rel = target - (code + size)
    expect([...siteBytes(e, true, 2)]).toEqual([0xeb, 0x14 - 2]);
    expect([...siteBytes(e, true, 5)]).toEqual([0xe9, 0x14 - 5, 0, 0, 0]);
  });
});

describe.skipIf(missing(CORPUS_WHAT, existsSync(CORPUS)))('static keys switched by another module, on the corpus', () => {
  it('test_static_keys: 6 sites of test_static_key_base keys rewritten at COMING, init returns 0 as on the real kernel', async () => {
    let out = '';
    const code = await run(['load', join(CORPUS, 'lib/test_static_keys.ko'), '--modprobe', CORPUS], {
      out: (s) => void (out += s),
      err: (s) => void (out += s),
    });
    expect(code, out.slice(-3000)).toBe(0);
    expect(out).toMatch(/jump_label_add_module: 6 jump sites rewritten for keys already switched/);
    expect(out).toMatch(/base_inv_true_key \[test_static_key_base\] 2/);
    expect(out).toMatch(/test_static_key_init\(\) ran [\d,]+ instructions .* It returned 0\./);
    expect(out).not.toMatch(/not modelled/);
  }, 120_000);
});

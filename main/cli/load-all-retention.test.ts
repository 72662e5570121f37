/**
 * load-all keeps every module loaded, so what a loaded module keeps is multiplied by 4,022: its file's bytes and the
 * load's working state (load_info, the parsed ELF) must be garbage once the load is done, while the module's symbol
 * table and kallsyms entries (made on first read) still answer.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootBatchKernel } from '../../engine/kernel-session';
import { loadModule } from '../../engine/load/index';
import { ROOT } from '../../scripts/test-support/kernel';
import { loadProfile } from './kernel-files';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('a module loaded by the batch kernel (load-all)', () => {
  it("keeps neither its file's bytes nor the load's state, and still lists its symbols", async () => {
    const k = bootBatchKernel(loadProfile(), { lean: true });
    const refs: WeakRef<ArrayBuffer>[] = [];
    // The last load's result may still be on the stack or in the kernel's last-operation fields: load one more.
    for (const [dir, name] of [['hello', 'hello'], ['params', 'params'], ['multi-file', 'multi']]) {
      const b = readFileSync(join(ROOT, 'samples', dir, `${name}.ko`));
      const image = new Uint8Array(b.length);
      image.set(b);
      refs.push(new WeakRef(image.buffer));
      const r = loadModule(k, { fileName: `${name}.ko`, image, args: '', syscall: 'finit_module', command: `insmod ${name}.ko`, imageHandedOver: true });
      expect(r.errno).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 0)); // WeakRefs hold their target until the current job ends
    gc();
    expect(refs.slice(0, 2).map((r) => r.deref() === undefined)).toEqual([true, true]);
    const hello = k.modules.find((m) => m.name === 'hello');
    expect(hello?.symbolTable.some((s) => s.name === 'hello_init' && s.value >= 0xffffffffc0000000n)).toBe(true);
    const exit = hello?.kallsyms.find((s) => s.name === 'hello_exit');
    expect(exit?.type).toBe('t');
    expect(exit?.address).toBe(hello?.symbolTable.find((s) => s.name === 'hello_exit')?.value);
    // Nor the steps of its load: positions advanced, no step (its effects and texts) is kept.
    expect(k.timeline.position).toBeGreaterThan(3 * 20);
    expect(k.timeline.stepCount()).toBe(0);
    expect(k.timeline.ops.map((o) => o.command)).toEqual(['insmod hello.ko', 'insmod params.ko', 'insmod multi.ko']);
  });
});

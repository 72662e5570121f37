/** `modscope load --kernel 2.4` and `modscope shell --kernel 2.4` (the CLI's entry, run in-process). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../main/cli/modscope';
import { ROOT } from '../../scripts/test-support/kernel';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe('modscope --kernel 2.4', () => {
  it('load: the insmod steps by side, the classic ring, exit 0', async () => {
    const r = await cli(['load', '--kernel', '2.4', join(ROOT, 'samples/hello/hello.ko'), 'count=2']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\[user\] obj_relocate \[34 relocations\]: 34 relocations applied in user space/);
    expect(r.out).toMatch(/\[syscall\] sys_create_module: 2,240 bytes reserved at 0xffffffffa0000000/);
    expect(r.out).toContain(
      "Kernel log (2.4's character ring, levels in the text):\n<7>hello: greeting 2 time(s)\n<6>Hello, world\n<6>Hello, world\n",
    );
    expect(r.out.trimEnd().endsWith('insmod: ok')).toBe(true);
  });

  it("load: an unresolved symbol exits 1 with insmod 2.4's words", async () => {
    const r = await cli(['load', '--kernel', '2.4', join(ROOT, 'samples/consumer/consumer.ko')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('consumer.ko: unresolved symbol provider_value\n');
  });

  it('shell: the provider/consumer lesson on 2.4', async () => {
    const r = await cli(['shell', '--kernel', '2.4', join(ROOT, 'scripts/qemu/scenarios/provider-consumer.sh')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('# insmod consumer.ko\nconsumer.ko: unresolved symbol provider_value\nconsumer.ko: unresolved symbol provider_greet\n');
    expect(r.out).toContain('provider: Device or resource busy\n');
  });
});

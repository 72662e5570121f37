/** rootfs-open.ts: filp_open() on the recorder's busybox initramfs root. */
import { describe, expect, it } from 'vitest';
import { rootfsLacks } from './rootfs-open';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';

describe('filp_open() on the modelled machine', () => {
  it('a path below the empty /etc, or under a top-level name the initramfs lacks, does not exist', () => {
    expect(rootfsLacks('/etc/target')).toBe(true);
    expect(rootfsLacks('/etc/target/pr')).toBe(true);
    expect(rootfsLacks('//etc//./target')).toBe(true);
    expect(rootfsLacks('/var/target')).toBe(true);
    expect(rootfsLacks('/usr/lib/x')).toBe(true);
  });
  it('paths that may exist, relative ones and ".." are not modelled', () => {
    expect(rootfsLacks('/etc')).toBeNull();
    expect(rootfsLacks('/lib/modules')).toBeNull();
    expect(rootfsLacks('/dev/sda')).toBeNull();
    expect(rootfsLacks('etc/target')).toBeNull();
    expect(rootfsLacks('/etc/../bin/sh')).toBeNull();
  });
  it('returns ERR_PTR(-ENOENT) for a missing path; O_CREAT is not modelled', () => {
    const { ctx, call } = modelCaller(new KernelCallState());
    expect(call('filp_open', ctx.str('/etc/target'), 0n, 0n)).toBe(BigInt.asUintN(64, -2n));
    expect(call('filp_open', ctx.str('/etc/target'), 0o101n, 0o644n)).toBe('not-modelled');
    expect(call('filp_open', ctx.str('/bin/sh'), 0n, 0n)).toBe('not-modelled');
  });
});

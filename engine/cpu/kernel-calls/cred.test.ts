/** cred.ts: prepare_kernel_cred() (kernel/cred.c) copies init_cred; dns_resolver's init on the real module. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KernelCallState } from './state';
import { modelCaller } from './model-caller';
import { CRED } from './cred';
import { readU32, readU64 } from './mem';
import { bootKernel, CORPUS } from '../../../scripts/test-support/kernel';
import { createIcedDecoder } from '../../../host-common/iced-decoder';
import { attachCpu } from '../attach';
import { loadModule } from '../../load/load-module';

const SYMS: Record<string, bigint> = {
  init_task: 0xffffffff82a1aa40n,
  root_user: 0xffffffff82a53a20n,
  init_user_ns: 0xffffffff82a53ac0n,
  init_ucounts: 0xffffffff82a5c4a0n,
  init_groups: 0xffffffff82a5ba30n,
};

describe('prepare_kernel_cred', () => {
  it('NULL and &init_task: a zeroed-then-filled copy of init_cred (root, CAP_FULL_SET, usage 1, THREAD_KEYRING)', () => {
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => SYMS[n] ?? null }));
    for (const daemon of [0n, SYMS.init_task]) {
      const c = call('prepare_kernel_cred', daemon) as bigint;
      expect(readU64(ctx.mem, c + CRED.usage)).toBe(1n);
      for (let off = 8n; off < CRED.capInheritable; off += 4n) expect(readU32(ctx.mem, c + off)).toBe(0); // ids, securebits
      expect([readU32(ctx.mem, c + CRED.capInheritable), readU32(ctx.mem, c + CRED.capInheritable + 4n)]).toEqual([0, 0]);
      for (const cap of [CRED.capPermitted, CRED.capEffective, CRED.capBset])
        expect([readU32(ctx.mem, c + cap), readU32(ctx.mem, c + cap + 4n)]).toEqual([0xffffffff, 0x1ff]);
      expect(readU64(ctx.mem, c + CRED.capAmbient)).toBe(0n);
      expect(ctx.peek(c + CRED.jitKeyring, 1)[0]).toBe(1);
      expect(readU64(ctx.mem, c + CRED.threadKeyring)).toBe(0n);
      expect(readU64(ctx.mem, c + CRED.security)).toBe(0n);
      expect(readU64(ctx.mem, c + CRED.user)).toBe(SYMS.root_user);
      expect(readU64(ctx.mem, c + CRED.userNs)).toBe(SYMS.init_user_ns);
      expect(readU64(ctx.mem, c + CRED.ucounts)).toBe(SYMS.init_ucounts);
      expect(readU64(ctx.mem, c + CRED.groupInfo)).toBe(SYMS.init_groups);
    }
  });

  it("another task's credentials are not known: not modelled", () => {
    const { call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => SYMS[n] ?? null }));
    expect(call('prepare_kernel_cred', 0xffff888004a00000n)).toBe('not-modelled');
  });

  it('override_creds() takes a reference and returns init_cred; revert_creds() drops it; the last put frees the cred', () => {
    const syms: Record<string, bigint> = { ...SYMS, init_cred: 0xffffffff82a5b6c0n };
    const { ctx, call } = modelCaller(new KernelCallState({ lookupSymbol: (n) => syms[n] ?? null }));
    expect(call('revert_creds', syms.init_cred)).toBe('not-modelled'); // nothing overridden
    const c = call('prepare_kernel_cred', syms.init_task) as bigint;
    expect(call('override_creds', c)).toBe(syms.init_cred);
    expect(readU64(ctx.mem, c + CRED.usage)).toBe(2n);
    expect(call('revert_creds', syms.init_cred)).toBe(0n);
    expect(readU64(ctx.mem, c + CRED.usage)).toBe(1n);
    expect(ctx.freed).toEqual([]);
    // put_cred(): usage to 0 (inline in the module), then __put_cred().
    ctx.poke(c + CRED.usage, new Uint8Array(8));
    expect(call('__put_cred', c)).toBe(0n);
    expect(ctx.freed).toEqual([c]);
  });

  const file = join(CORPUS, 'net', 'dns_resolver', 'dns_resolver.ko');
  it.skipIf(!process.env.CI && !existsSync(file))('dns_resolver: init_dns_resolver() takes a cred for its keyring and loads, as on the real kernel', () => {
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const n = k.log.records.length;
    const r = loadModule(k, { fileName: 'dns_resolver.ko', image: new Uint8Array(readFileSync(file)), args: '', syscall: 'finit_module' });
    expect(r.errno).toBe(0);
    expect(k.log.records.slice(n).map((m) => `<${m.level}>${m.text}`)).toEqual(['<5>Key type dns_resolver registered']);
  });
});

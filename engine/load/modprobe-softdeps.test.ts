/**
 * modprobePlan()'s soft dependencies (engine/kernel/softdeps-debian-6.1.0-50.ts, depmod's modules.softdep resolved through
 * modules.alias): libcrc32c's "pre: crc32c" loads crc32c-intel (ENODEV on the qemu64 CPU, ignored: a soft dependency) and
 * crc32c_generic, so crypto_alloc_shash("crc32c") finds the algorithm and its init returns 0, as on the real kernel
 * (scripts/qemu/recordings: nf_conntrack's modprobe leaves crc32c_generic and libcrc32c loaded, no crc32c_intel).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { bootKernel, CORPUS, debianProfile } from '../../scripts/test-support/kernel';
import { attachCpu } from '../cpu/attach';
import { loadModule } from './load-module';
import { modprobePlan } from './modprobe';

const read = (p: string): Uint8Array | null => (existsSync(join(CORPUS, p)) ? new Uint8Array(readFileSync(join(CORPUS, p))) : null);
const haveCorpus = existsSync(join(CORPUS, 'lib', 'libcrc32c.ko'));

describe.skipIf(!process.env.CI && !haveCorpus)('modprobe plans with soft dependencies', () => {
  it('libcrc32c: crc32c-intel and crc32c_generic first (optional), then libcrc32c, whose init returns 0', () => {
    const plan = modprobePlan(debianProfile(), 'lib/libcrc32c.ko', read);
    expect(plan.order).toEqual(['arch/x86/crypto/crc32c-intel.ko', 'crypto/crc32c_generic.ko', 'lib/libcrc32c.ko']);
    expect([...plan.optional]).toEqual(['arch/x86/crypto/crc32c-intel.ko', 'crypto/crc32c_generic.ko']);
    const k = bootKernel({ quiet: true });
    attachCpu(k, createIcedDecoder());
    const errnos = plan.order.map((p) => {
      const image = read(p);
      if (!image) throw new Error(`missing ${p}`);
      return loadModule(k, { fileName: p.split('/').pop() ?? p, image, args: '', syscall: 'finit_module' }).errno;
    });
    expect(errnos).toEqual([-19, 0, 0]);
    expect(k.modules.map((m) => m.name).sort()).toEqual(['crc32c_generic', 'libcrc32c']);
  });
  it("ipmi_msghandler: its post: soft dependency ipmi_devintf comes after it, outside the plan's order", () => {
    const plan = modprobePlan(debianProfile(), 'drivers/char/ipmi/ipmi_msghandler.ko', read);
    expect(plan.order.at(-1)).toBe('drivers/char/ipmi/ipmi_msghandler.ko');
    expect(plan.after).toEqual(['drivers/char/ipmi/ipmi_devintf.ko']);
  });
});

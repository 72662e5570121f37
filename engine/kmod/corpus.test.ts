/**
 * Module facts checked against kmod's modinfo(8) and Debian's Module.symvers on real
 * Debian 12 modules. Skipped (with the reason in the test name) when the corpus is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../elf/index';
import { readModuleFacts } from './facts';
import { splitSignature } from './signature';
import type { ModuleFacts } from './types';
import { CORPUS_WHAT, missing } from '../../scripts/test-support/prereq';

const KERNEL = '/root/.cache/modscope/corpus/lib/modules/6.1.0-50-amd64/kernel';
const SYMVERS = '/usr/src/linux-headers-6.1.0-50-amd64/Module.symvers';
const MODINFO = ['/usr/sbin/modinfo', '/sbin/modinfo', '/usr/bin/modinfo'].find((p) => existsSync(p));

const VFAT = `${KERNEL}/fs/fat/vfat.ko`;
const EXPORTERS = ['fs/fat/fat', 'lib/libcrc32c', 'drivers/usb/storage/usb-storage'];
const PARAM_MODULES = ['sound/pci/hda/snd-hda-intel', 'drivers/net/netconsole', 'fs/fat/fat'];

const haveCorpus = existsSync(VFAT);
const why = haveCorpus ? '' : ` (skipped: no corpus at ${KERNEL})`;

function facts(path: string): ModuleFacts {
  const { elf, signature } = splitSignature(new Uint8Array(readFileSync(path)));
  return readModuleFacts(readElf(elf), signature);
}

/** modinfo(8) "key: value" lines, without filename and the signature block it adds itself. */
function modinfoCli(path: string): { key: string; value: string }[] {
  const out = execFileSync(MODINFO ?? 'modinfo', [path], { encoding: 'utf8' });
  const rows: { key: string; value: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^([A-Za-z0-9_.-]+):\s*(.*)$/.exec(line);
    if (!m || line.startsWith('\t')) continue;
    if (['filename', 'sig_id', 'signer', 'sig_key', 'sig_hashalgo', 'signature'].includes(m[1])) continue;
    rows.push({ key: m[1], value: m[2].trimEnd() });
  }
  return rows;
}

describe.skipIf(missing(CORPUS_WHAT, haveCorpus))(`real Debian 6.1 modules${why}`, () => {
  it('vfat.ko: signature, modinfo, no diagnostics', () => {
    const f = facts(VFAT);
    expect(f.signature?.idType).toBe(2);
    expect(f.signature?.idTypeName).toBe('PKCS#7');
    expect(f.diagnostics).toEqual([]);
    expect(f.name).toBe('vfat');
    expect(f.depends).toEqual(['fat']);
    expect(f.license).toBe('GPL');
    expect(f.vermagic).toBe('6.1.0-50-amd64 SMP preempt mod_unload modversions ');
    expect(f.versions.length).toBe(63);
    expect(f.versions[f.versions.length - 1].name).toBe('module_layout');
    expect(f.thisModule).toMatchObject({ name: 'vfat', init: 'init_module', exit: 'cleanup_module', size: 0x380 });
  });

  it.skipIf(missing('Module.symvers (linux-headers-6.1.0-50-amd64)', existsSync(SYMVERS)))(
    "vfat.ko __versions CRCs equal the exporters' Module.symvers CRCs",
    () => {
      const crc = new Map<string, bigint>();
      for (const line of readFileSync(SYMVERS, 'utf8').split('\n')) {
        const c = line.split('\t');
        if (c.length >= 4) crc.set(c[1], BigInt(c[0]));
      }
      const f = facts(VFAT);
      for (const v of f.versions) expect(v.crc, v.name).toBe(crc.get(v.name));
      // Every import except the modversions anchor is listed in __versions.
      for (const i of f.imports) expect(i.crc, i.name).toBeDefined();
    },
  );

  it.skipIf(missing('modinfo (kmod)', !!MODINFO))(`modinfo matches modinfo(8)${MODINFO ? '' : ' (skipped: modinfo not installed)'}`, () => {
    for (const rel of ['fs/fat/vfat', ...PARAM_MODULES, ...EXPORTERS]) {
      const path = `${KERNEL}/${rel}.ko`;
      if (!existsSync(path)) continue;
      const cli = modinfoCli(path);
      const mine = facts(path).modinfo.map((e) => ({ key: e.key, value: e.value.trimEnd() }));
      // modinfo(8) prints the other keys in file order, then folds parm + parmtype into one "parm" line per parameter.
      const isParm = (k: string): boolean => k === 'parm' || k === 'parmtype';
      expect(
        mine.filter((e) => !isParm(e.key)),
        rel,
      ).toEqual(cli.filter((e) => e.key !== 'parm'));
      const desc = new Map(
        mine.filter((e) => e.key === 'parm').map((e) => [e.value.slice(0, e.value.indexOf(':')), e.value.slice(e.value.indexOf(':') + 1)]),
      );
      const type = new Map(
        mine.filter((e) => e.key === 'parmtype').map((e) => [e.value.slice(0, e.value.indexOf(':')), e.value.slice(e.value.indexOf(':') + 1)]),
      );
      const cliParms = cli.filter((e) => e.key === 'parm').map((e) => e.value);
      expect(cliParms.length, rel).toBe(new Set([...desc.keys(), ...type.keys()]).size);
      for (const [name, t] of type) expect(cliParms, `${rel} ${name}`).toContain(`${name}:${desc.get(name) ?? ''} (${t})`.trimEnd());
    }
  });

  it.skipIf(missing('Module.symvers (linux-headers-6.1.0-50-amd64)', existsSync(SYMVERS)))(
    'exports match Module.symvers (names, CRCs, GPL-ness, namespaces)',
    () => {
      const symvers = readFileSync(SYMVERS, 'utf8').split('\n');
      for (const rel of EXPORTERS) {
        const path = `${KERNEL}/${rel}.ko`;
        if (!existsSync(path)) continue;
        const expected = symvers
          .map((l) => l.split('\t'))
          .filter((c) => c[2] === rel)
          .map((c) => ({ name: c[1], crc: BigInt(c[0]), gplOnly: c[3] === 'EXPORT_SYMBOL_GPL', namespace: c[4] ?? '' }))
          .sort((a, b) => (a.name < b.name ? -1 : 1));
        const mine = facts(path)
          .exports.map((e) => ({ name: e.name, crc: e.crc, gplOnly: e.gplOnly, namespace: e.namespace }))
          .sort((a, b) => (a.name < b.name ? -1 : 1));
        expect(expected.length, rel).toBeGreaterThan(0);
        expect(mine, rel).toEqual(expected);
        for (const e of facts(path).exports) expect(e.symbol).toBe(e.name);
      }
    },
  );

  it.skipIf(missing('Module.symvers (linux-headers-6.1.0-50-amd64)', existsSync(SYMVERS)))(
    "every module's exports match Module.symvers exactly",
    () => {
      const byModule = new Map<string, string[]>();
      for (const line of readFileSync(SYMVERS, 'utf8').split('\n')) {
        const c = line.split('\t');
        if (c.length < 4 || c[2] === 'vmlinux') continue;
        const ns = c[4] ?? '';
        const rows = byModule.get(c[2]) ?? [];
        rows.push(`${c[1]} ${BigInt(c[0]).toString(16)} ${c[3]} ${ns}`);
        byModule.set(c[2], rows);
      }
      let checked = 0;
      for (const [rel, rows] of byModule) {
        const path = `${KERNEL}/${rel}.ko`;
        if (!existsSync(path)) continue;
        const mine = facts(path).exports.map(
          (e) => `${e.name} ${(e.crc ?? -1n).toString(16)} ${e.gplOnly ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'} ${e.namespace}`,
        );
        expect(mine.sort(), rel).toEqual(rows.sort());
        checked++;
      }
      expect(checked).toBeGreaterThan(400);
    },
  );

  it.skipIf(missing('modinfo (kmod)', !!MODINFO))('params match modinfo -p and parmtype', () => {
    for (const rel of PARAM_MODULES) {
      const path = `${KERNEL}/${rel}.ko`;
      if (!existsSync(path)) continue;
      const f = facts(path);
      const types = execFileSync(MODINFO ?? 'modinfo', ['-F', 'parmtype', path], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter((l) => l !== '');
      for (const t of types) {
        const [name, type] = [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)];
        const p = f.params.find((x) => x.name === name);
        expect(p, `${rel} ${name}`).toBeDefined();
        expect(p?.modinfoType).toBe(type);
        // The ops symbol agrees with the declared type (custom ops such as param_ops_xint are 'custom').
        if (p?.type === 'array') expect(type).toBe(`array of ${p.array?.elementType}`);
        else if (p?.type !== 'custom') expect(p?.type).toBe(type);
      }
      expect(f.params.length).toBe(types.length);
      for (const line of execFileSync(MODINFO ?? 'modinfo', ['-p', path], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter((l) => l !== '')) {
        const name = line.slice(0, line.indexOf(':'));
        const p = f.params.find((x) => x.name === name);
        if (p?.description) expect(line).toContain(p.description);
      }
    }
    const hda = facts(`${KERNEL}/sound/pci/hda/snd-hda-intel.ko`).params.find((p) => p.name === 'index');
    expect(hda).toMatchObject({ type: 'array', perm: 0o444, array: { max: 32, elemsize: 4, elementType: 'int', elemVariable: 'index' } });
    const nc = facts(`${KERNEL}/drivers/net/netconsole.ko`).params.find((p) => p.name === 'netconsole');
    expect(nc).toMatchObject({ type: 'string', stringMaxLen: 256 });
  });

  it('every module in fs/fat and sound/pci/hda reads without diagnostics', () => {
    const out = execFileSync('find', [`${KERNEL}/fs`, `${KERNEL}/sound/pci/hda`, '-name', '*.ko'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    for (const path of out.slice(0, 200)) {
      const f = facts(path);
      expect(f.diagnostics, path).toEqual([]);
      expect(f.thisModule?.init ?? 'init_module', path).toBe('init_module');
    }
  });
});

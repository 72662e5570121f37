/**
 * The oops of an init that reads through a bad pointer (engine/cpu/testdata/null-deref, built against
 * the Debian 6.1.0-50 headers by its build.sh), laid out as 6.1's page_fault_oops(), __die() and
 * oops_end() print it, with the kernel's log levels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIcedDecoder } from '../../host-common/iced-decoder';
import { loadModule } from '../load/load-module';
import { taintBit } from '../kernel/taint';
import { bootKernel, ROOT } from '../../scripts/test-support/kernel';
import { attachCpu } from './attach';

const image = new Uint8Array(readFileSync(join(ROOT, 'engine/cpu/testdata/null-deref/null-deref.ko')));

function insmod(args: string) {
  const k = bootKernel({ quiet: true });
  attachCpu(k, createIcedDecoder());
  const r = loadModule(k, { fileName: 'null-deref.ko', image, args, syscall: 'finit_module' });
  const lines = k.log.records.map((l) => `<${l.level}>${l.text}`);
  const from = lines.findIndex((l) => l.includes('BUG:'));
  return { k, r, lines: lines.slice(from) };
}

describe('an init that dereferences NULL', () => {
  const { k, r, lines } = insmod('');

  it('kills insmod and leaves the module coming, tainted D', () => {
    expect(r.errno).toBeNull();
    expect(r.end).toEqual({ kind: 'killed', signal: 'SIGKILL', exitStatus: 137 });
    expect(k.findModule('null_deref')?.state).toBe('COMING');
    expect(k.taints & taintBit('D')).not.toBe(0);
  });

  it('prints the report line by line as 6.1 does', () => {
    const re = (s: string): RegExp =>
      new RegExp(
        '^' +
          s
            .replace(/[[\]()+.*?|/]/g, (c) => '\\' + c)
            .replace(/H16/g, '[0-9a-f]{16}')
            .replace(/HEX/g, '[0-9a-f]+') +
          '$',
      );
    const expected = [
      '<1>BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '<1>#PF: supervisor read access in kernel mode',
      '<1>#PF: error_code(0x0000) - not-present page',
      '<6>PGD 0 P4D 0 ',
      '<4>Oops: 0000 [#1] PREEMPT SMP NOPTI',
      '<4>CPU: 0 PID: 100 Comm: insmod Tainted: G           OE      6.1.0-50-amd64 #1  Debian 6.1.176-1',
      '<4>Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014',
      '<4>RIP: 0010:null_deref_init+0xHEX/0xHEX [null_deref]',
      'CODE',
      '<4>RSP: 0018:H16 EFLAGS: 00010HEX',
      '<4>RAX: H16 RBX: 0000000000000000 RCX: H16',
      '<4>RDX: H16 RSI: H16 RDI: H16',
      '<4>RBP: H16 R08: H16 R09: H16',
      '<4>R10: H16 R11: H16 R12: H16',
      '<4>R13: H16 R14: H16 R15: H16',
      '<4>FS:  H16(0000) GS:H16(0000) knlGS:0000000000000000',
      '<4>CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033',
      '<4>CR2: 0000000000000000 CR3: H16 CR4: H16',
      '<4>Call Trace:',
      '<4> <TASK>',
      '<4> do_one_initcall',
      '<4> do_init_module',
      '<4> __do_sys_finit_module',
      '<4> do_syscall_64',
      '<4> entry_SYSCALL_64_after_hwframe',
      '<4> </TASK>',
      '<4>Modules linked in: null_deref(OE+)',
      '<4>CR2: 0000000000000000',
      '<4>---[ end trace 0000000000000000 ]---',
    ];
    expect(lines.length).toBe(expected.length + 11);
    expected.forEach((e, i) => {
      // show_opcodes(): 42 bytes, the faulting byte in <>, 21 bytes. The fault is "mov (%rbx),%eax" (8b 03).
      if (e === 'CODE') expect(lines[i]).toMatch(/^<4>Code: ([0-9a-f]{2} ){42}<8b> 03( [0-9a-f]{2}){20}$/);
      else expect(lines[i]).toMatch(re(e));
    });
    // oops_end(): the executive summary repeats RIP, Code and the registers.
    expect(lines.slice(-11)).toEqual(lines.slice(7, 18));
  });

  it('names the faulting instruction inside null_deref_init at the address the CPU stopped', () => {
    const rip = lines.find((l) => l.startsWith('<4>RIP:'));
    const off = Number.parseInt(/\+0x([0-9a-f]+)\//.exec(rip ?? '')?.[1] ?? 'x', 16);
    const init = k.findModule('null_deref')?.initFn ?? 0n;
    const bytes = k.memory.read(init + BigInt(off), 2);
    expect([...bytes]).toEqual([0x8b, 0x03]);
  });
});

describe('an init that reads an unmapped user address', () => {
  const { lines } = insmod('where=16777216');

  it('is "unable to handle page fault", not a NULL dereference', () => {
    expect(lines.slice(0, 5)).toEqual([
      '<1>BUG: unable to handle page fault for address: 0000000001000000',
      '<1>#PF: supervisor read access in kernel mode',
      '<1>#PF: error_code(0x0000) - not-present page',
      '<6>PGD 0 P4D 0 ',
      '<4>Oops: 0000 [#1] PREEMPT SMP NOPTI',
    ]);
    expect(lines).toContain('<4>CR2: 0000000001000000');
  });
});

describe("WARN_ON() and BUG() from the module's __bug_table", () => {
  it('WARN_ON(): "cut here", WARNING at file:line, the registers, the end marker; taint W; init goes on', () => {
    const { k, r } = insmod('warn=1');
    const log = k.log.records.map((l) => `<${l.level}>${l.text}`);
    const at = log.indexOf('<4>------------[ cut here ]------------');
    expect(at).toBeGreaterThan(0);
    expect(log[at + 1]).toMatch(
      /^<4>WARNING: CPU: 0 PID: 100 at \/tmp\/modscope-null-deref-build\/null-deref\.c:25 null_deref_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[null_deref\]$/,
    );
    expect(log[at + 2]).toBe('<4>Modules linked in: null_deref(OE+)');
    expect(log[at + 3]).toMatch(/^<4>CPU: 0 PID: 100 Comm: insmod Tainted: G {11}OE {6}6\.1\.0-50-amd64/);
    // The WARN's ud2 (0f 0b) is the byte in <>.
    expect(log[at + 6]).toMatch(/ <0f> 0b /);
    const end = log.indexOf('<4>---[ end trace 0000000000000000 ]---', at);
    expect(log[end - 1]).toBe('<4> </TASK>');
    // Execution went on past the WARN to the NULL read, whose oops shows the W taint.
    expect(log[end + 1]).toBe('<6>null_deref: reading *0000000000000000');
    expect(log).toContain('<4>CPU: 0 PID: 100 Comm: insmod Tainted: G        W  OE      6.1.0-50-amd64 #1  Debian 6.1.176-1');
    expect(r.errno).toBeNull();
    expect(r.end).toEqual({ kind: 'killed', signal: 'SIGKILL', exitStatus: 137 });
  });

  it('BUG(): "kernel BUG at file:line!" then an invalid opcode oops', () => {
    const { k, r } = insmod('where=1');
    const log = k.log.records.map((l) => `<${l.level}>${l.text}`);
    const at = log.indexOf('<2>kernel BUG at /tmp/modscope-null-deref-build/null-deref.c:26!');
    expect(at).toBeGreaterThan(0);
    expect(log[at - 1]).toBe('<4>------------[ cut here ]------------');
    expect(log[at + 1]).toBe('<4>invalid opcode: 0000 [#1] PREEMPT SMP NOPTI');
    expect(log.filter((l) => l.startsWith('<4>CR2: 0000000000000000 CR3:')).length).toBe(2);
    expect(log).not.toContain('<4>CR2: 0000000000000000');
    expect(r.errno).toBeNull();
    expect(r.end).toEqual({ kind: 'killed', signal: 'SIGKILL', exitStatus: 137 });
  });
});

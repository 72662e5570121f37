import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ClassicRing } from './classic-ring';
import { DESC_SV, DESC_FINALIZED, DESC_REUSABLE, LOG_NEWLINE, RecordRing } from './record-ring';
import { Syslog, kmsgRecord, recordPrintText } from './syslog';
import { PrintkBuffer, base64, vprintkStore } from './printk-buffer';

const M64 = 1n << 64n;
const le64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const rec = (level: number, text: string, tsNs = 2_000_000_000) => ({ level, text, tsNs });

describe('6.1 record ring: byte layout', () => {
  it('bootstraps like _DEFINE_PRINTKRB', () => {
    const r = new RecordRing({ sizeBits: 7, descBits: 2 });
    expect(r.desc0Id).toBe((1n << 62n) - 5n);
    expect(r.headLpos).toBe(M64 - 128n);
    expect(r.readDesc(3)).toEqual({ stateVar: DESC_SV((1n << 62n) - 5n, DESC_REUSABLE), begin: 1n, next: 1n });
    expect(r.readInfo(0).seq).toBe(M64 - 4n);
    expect(r.nextSeq()).toBe(0);
  });

  it('stores two records exactly where the kernel would', () => {
    const r = new RecordRing({ sizeBits: 7, descBits: 2 });
    // "\x016hello\n" = 8 bytes, reserve 9, to_blk_size = ALIGN(9 + 8, 8) = 24 → lpos [-128, -104).
    const a = vprintkStore(r, { level: 6, text: 'hello', tsNs: 2_000_001_000, callerId: 42 });
    expect(a).toMatchObject({ seq: 0, index: 0, textOffset: 8, textBufSize: 9 });
    const idA = (1n << 62n) - 4n;
    // id, then "hello", then the bytes memmove() left behind ("lo\n\0"), then untouched zeros.
    expect([...r.data.subarray(0, 24)]).toEqual([...le64(idA), ...ascii('hello'), ...ascii('lo\n'), 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.readDesc(0)).toEqual({ stateVar: DESC_SV(idA, DESC_FINALIZED), begin: M64 - 128n, next: M64 - 104n });
    expect(r.readDesc(0).stateVar).toBe(0xbffffffffffffffcn);
    const info = r.readInfo(0);
    expect(info).toMatchObject({ seq: 0n, tsNsec: 2_000_001_000n, textLen: 5, facility: 0, flags: LOG_NEWLINE, level: 6, callerId: 42 });
    // flags:5 | level:3 share byte 19 of printk_info: 2 | 6 << 5.
    expect(r.infoBytes[19]).toBe(0xc2);

    // "\x014abc\n" = 6 bytes, reserve 7, block 16 → [24, 40); seq 1 (infos[1].seq was 0: "never set").
    const b = vprintkStore(r, { level: 4, text: 'abc', tsNs: 2_000_002_000 });
    expect(b).toMatchObject({ seq: 1, index: 1, textOffset: 32 });
    expect([...r.data.subarray(24, 40)]).toEqual([...le64(idA + 1n), ...ascii('abc'), ...ascii('bc\n'), 0, 0]);
    expect(r.readDesc(1)).toMatchObject({ begin: M64 - 104n, next: M64 - 88n });
    expect(r.headLpos).toBe(M64 - 88n);
    expect(r.tailLpos).toBe(M64 - 128n);
    expect(r.read(0)?.text).toBe('hello');
    expect(r.read(1)?.text).toBe('abc');
  });

  it('recycles descriptors: the fifth record of four reuses index 0 with seq 4', () => {
    const r = new RecordRing({ sizeBits: 7, descBits: 2 });
    vprintkStore(r, rec(6, 'hello')); //   [0, 24)
    vprintkStore(r, rec(4, 'abc')); //     [24, 40)
    vprintkStore(r, rec(6, 'x'.repeat(40))); // reserve 44, block 56: [40, 96)
    vprintkStore(r, rec(6, 'y'.repeat(12))); // reserve 16, block 24: [96, 120)
    expect(r.headLpos).toBe(M64 - 8n);
    // Index 3 was DESC0 (the bootstrap head/tail): reserving it pushed the tail to record 0.
    expect(r.tailId).toBe((1n << 62n) - 4n);
    // reserve 7, block 16: [120, 136) would wrap → stored at [0, 16), next lpos 16 + 0 wraps.
    const e = vprintkStore(r, rec(3, 'xyz'));
    expect(e).toMatchObject({ seq: 4, index: 0, id: 0n, textOffset: 8 }); // DESC_ID(2^62) = 0
    expect(r.descState((1n << 62n) - 4n)).toBe('miss');
    expect(r.tailId).toBe((1n << 62n) - 3n);
    expect(r.tailLpos).toBe(M64 - 104n);
    expect(r.readDesc(0)).toMatchObject({ begin: M64 - 8n, next: 16n });
    expect([...r.data.subarray(120, 128)]).toEqual(le64(0n));
    // The ID, "xyz", memmove()'s leftovers "yz\n\0", then one stale byte of "hello"'s block.
    expect([...r.data.subarray(0, 16)]).toEqual([...le64(0n), ...ascii('xyz'), ...ascii('yz\n'), 0, 0x0a]);
    expect(r.read(0)).toBeNull();
    expect(r.read(4)?.text).toBe('xyz');
    expect(r.firstValidSeq()).toBe(1);
  });

  it('stores a block that would wrap whole at the start, its ID in both places', () => {
    const r = new RecordRing({ sizeBits: 7, descBits: 3 });
    const id0 = (1n << 62n) - 8n;
    vprintkStore(r, rec(6, 'a'.repeat(80))); // reserve 84, block 96: [0, 96)
    vprintkStore(r, rec(6, 'b'.repeat(12))); // block 24: [96, 120)
    const c = vprintkStore(r, rec(5, '0123456789')); // reserve 14, block 24: [120, 144) would wrap
    expect(c).toMatchObject({ seq: 2, index: 2, textOffset: 8 });
    const idC = id0 + 2n;
    const d = r.readDesc(2);
    expect(d.begin).toBe(M64 - 8n);
    expect(d.next).toBe(24n);
    expect([...r.data.subarray(120, 128)]).toEqual(le64(idC));
    // The ID, the text, memmove()'s leftovers "89\n\0", two stale bytes of A's text.
    expect([...r.data.subarray(0, 24)]).toEqual([...le64(idC), ...ascii('0123456789'), ...ascii('89\n'), 0, ...ascii('aa')]);
    // A's block was in the way: it was made reusable and the data tail moved to B.
    expect(r.descState(id0)).toBe('reusable');
    expect(r.tailLpos).toBe(M64 - 32n);
    expect(r.read(0)).toBeNull();
    expect(r.read(1)?.text).toBe('b'.repeat(12));
    expect(r.read(2)?.text).toBe('0123456789');
    expect(r.blockData(d)).toEqual({ offset: 8, size: 16 });
  });

  it('6.1 wraps a block that would fit exactly up to the end of the ring', () => {
    const r = new RecordRing({ sizeBits: 7, descBits: 3 });
    vprintkStore(r, rec(6, 'a'.repeat(80))); // [0, 96)
    vprintkStore(r, rec(6, 'b'.repeat(20))); // block 32: [96, 128) — next lpos is in the next wrap
    const d = r.readDesc(1);
    expect(d.begin).toBe(M64 - 32n);
    expect(d.next).toBe(32n);
    expect(r.read(0)).toBeNull(); // A was overwritten at [0, 32)
    expect(r.read(1)?.text).toBe('b'.repeat(20));
  });

  it('rejects records too big for the ring (data_check_size)', () => {
    const r = new RecordRing({ sizeBits: 7, descBits: 2 });
    expect(r.checkSize(112)).toBe(true); // block 120 leaves 8 bytes for the next ID
    expect(r.checkSize(113)).toBe(false);
    expect(vprintkStore(r, rec(6, 'z'.repeat(200)))).toBeNull();
  });

  it('Debian LOG_BUF_SHIFT=17: 128 KiB text, 4096 descriptors', () => {
    const r = new RecordRing({ sizeBits: 17 });
    expect(r.dataSize).toBe(131072);
    expect(r.descCount).toBe(4096);
    expect(r.descBytes.length).toBe(4096 * 24);
    expect(r.infoBytes.length).toBe(4096 * 88);
  });

  it('keeps exactly the newest records readable, whatever the sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.string({ maxLength: 60 })), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 7, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        (msgs, bits, dbits) => {
          const r = new RecordRing({ sizeBits: bits, descBits: dbits });
          const written: { seq: number; text: string; level: number }[] = [];
          for (const [level, text] of msgs) {
            const res = vprintkStore(r, rec(level, text.replace(/\n/g, ' ')));
            if (res) written.push({ seq: res.seq, text: text.replace(/\n/g, ' '), level });
          }
          const first = r.firstValidSeq();
          const next = r.nextSeq();
          expect(next).toBe(written.length ? written[written.length - 1].seq + 1 : 0);
          // Contiguous newest suffix, intact text.
          for (let s = first; s < next; s++) {
            const got = r.read(s);
            const w = written.find((x) => x.seq === s);
            expect(got?.text).toBe(w?.text);
            expect(got?.level).toBe(w?.level);
          }
          expect(next - first).toBeLessThanOrEqual(r.descCount);
          let used = 0n;
          for (let s = first; s < next; s++) {
            const d = r.readDesc(s % r.descCount);
            used += BigInt.asUintN(64, d.next - d.begin);
          }
          expect(used <= BigInt(r.dataSize)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('2.4 char ring', () => {
  it('inserts <default_message_loglevel>, wraps and overwrites the oldest text', () => {
    const c = new ClassicRing(16);
    const l1 = c.printk('hello\n'); // "<4>hello\n" = 9 chars
    expect(c.logEnd).toBe(9);
    expect(l1).toEqual([{ start: 3, end: 9, level: 4, text: 'hello', shown: true }]);
    c.printk('<6>world!\n'); // 10 more: 19 > 16, log_start dragged to 3
    expect([c.logStart, c.conStart, c.logEnd, c.loggedChars]).toEqual([3, 19, 19, 16]);
    expect(String.fromCharCode(...c.buf.subarray(0, 3))).toBe('d!\n');
    expect(c.contents()).toEqual({ start: 3, text: 'hello\n<6>world!\n' });
    expect(c.syslog(9)).toEqual({ ret: 16 });
    expect(c.syslog(3, 100)).toEqual({ ret: 16, text: 'hello\n<6>world!\n' });
    expect(c.syslog(3, 7)).toEqual({ ret: 7, text: 'world!\n' });
    expect(c.syslog(2, 5)).toEqual({ ret: 5, text: 'hello' });
    expect(c.syslog(9)).toEqual({ ret: 11 });
    expect(c.syslog(2, 100)).toEqual({ ret: 11, text: '\n<6>world!\n' });
    expect(c.syslog(2, 100)).toEqual({ ret: 0, blocked: true });
    expect(c.syslog(4, 3)).toEqual({ ret: 3, text: '!\n'.padStart(3, 'd') });
    expect(c.loggedChars).toBe(0);
    expect(c.syslog(3, 100)).toEqual({ ret: 0, text: '' });
  });

  it('levels every line and follows console_loglevel', () => {
    const c = new ClassicRing(64);
    c.printk('a\nb\n');
    expect(c.contents().text).toBe('<4>a\n<4>b\n');
    expect(c.syslog(8, 0)).toEqual({ ret: -22 });
    expect(c.syslog(8, 9)).toEqual({ ret: -22 });
    expect(c.syslog(8, 5)).toEqual({ ret: 0 });
    expect(c.printk('<6>quiet\n')[0]).toMatchObject({ level: 6, shown: false });
    expect(c.printk('<3>loud\n')[0]).toMatchObject({ level: 3, shown: true });
    c.syslog(6);
    expect(c.consoleLoglevel).toBe(1);
    c.syslog(7);
    expect(c.consoleLoglevel).toBe(7);
    expect(c.syslog(10)).toEqual({ ret: -22 }); // 2.4 had only actions 0–9
  });
});

describe('6.1 syslog', () => {
  function setup() {
    const r = new RecordRing({ sizeBits: 9, descBits: 4 });
    vprintkStore(r, { level: 6, text: 'hello', tsNs: 2_000_001_000 });
    vprintkStore(r, { level: 4, text: 'hello: loading out-of-tree module taints kernel.', tsNs: 2_000_002_500 });
    return { r, s: new Syslog(r) };
  }
  const L0 = '<6>[    2.000001] hello\n';
  const L1 = '<4>[    2.000002] hello: loading out-of-tree module taints kernel.\n';

  it('formats syslog text and /dev/kmsg records', () => {
    expect(recordPrintText({ facility: 0, level: 6, tsNs: 2_000_001_000, text: 'hello' }, true, true)).toBe(L0);
    expect(recordPrintText({ facility: 1, level: 4, tsNs: 0, text: 'x' }, true, false)).toBe('<12>x\n');
    expect(recordPrintText({ facility: 0, level: 6, tsNs: 12_345_678_901_000, text: 'a\nb' }, false, true)).toBe(
      '[12345.678901] a\n[12345.678901] b\n',
    );
    expect(kmsgRecord({ facility: 0, level: 6, seq: 7, tsNs: 2_000_001_999, flags: 2, text: 'tab\there \\' })).toBe(
      '6,7,2000001,-;tab\\x09here \\x5c\n',
    );
  });

  it('READ_ALL, SIZE_UNREAD, READ (destructive, partial), CLEAR, READ_CLEAR', () => {
    const { r, s } = setup();
    expect(s.doSyslog(3, -1)).toEqual({ ret: -22 });
    expect(s.doSyslog(3, 0)).toEqual({ ret: 0 });
    expect(s.doSyslog(3, 1000)).toEqual({ ret: L0.length + L1.length, text: L0 + L1 });
    // Only the newest records that fit.
    expect(s.doSyslog(3, L1.length + 5)).toEqual({ ret: L1.length, text: L1 });
    expect(s.doSyslog(9)).toEqual({ ret: L0.length + L1.length });
    expect(s.doSyslog(2, 10)).toEqual({ ret: 10, text: L0.slice(0, 10) });
    expect(s.syslogPartial).toBe(10);
    expect(s.doSyslog(9)).toEqual({ ret: L0.length + L1.length - 10 });
    // The rest of the first record; the second does not fit after it, so it stops.
    expect(s.doSyslog(2, L0.length)).toEqual({ ret: L0.length - 10, text: L0.slice(10) });
    expect(s.doSyslog(2, 1000)).toEqual({ ret: L1.length, text: L1 });
    expect(s.doSyslog(2, 1000)).toEqual({ ret: 0, blocked: true });
    expect(s.doSyslog(9)).toEqual({ ret: 0 });
    // READ does not affect READ_ALL; CLEAR does, and erases nothing.
    expect(s.doSyslog(3, 1000).ret).toBe(L0.length + L1.length);
    expect(s.doSyslog(5)).toEqual({ ret: 0 });
    expect(s.clearSeq).toBe(2);
    expect(s.doSyslog(3, 1000)).toEqual({ ret: 0, text: '' });
    expect(r.read(0)?.text).toBe('hello');
    vprintkStore(r, { level: 3, text: 'err', tsNs: 3_000_000_000 });
    expect(s.doSyslog(4, 1000)).toEqual({ ret: 22, text: '<3>[    3.000000] err\n' });
    expect(s.doSyslog(3, 1000).ret).toBe(0);
    expect(s.doSyslog(10)).toEqual({ ret: 512 });
    expect(s.doSyslog(11)).toEqual({ ret: -22 });
  });

  it('CONSOLE_OFF/ON/LEVEL', () => {
    const { s } = setup();
    s.consoleLoglevel = 4;
    s.doSyslog(6);
    expect([s.consoleLoglevel, s.savedConsoleLoglevel]).toEqual([1, 4]);
    s.doSyslog(6); // a second OFF keeps the first saved level
    expect(s.savedConsoleLoglevel).toBe(4);
    s.doSyslog(7);
    expect([s.consoleLoglevel, s.savedConsoleLoglevel]).toEqual([4, -1]);
    expect(s.doSyslog(8, 0).ret).toBe(-22);
    expect(s.doSyslog(8, 9).ret).toBe(-22);
    s.minimumConsoleLoglevel = 3;
    expect(s.doSyslog(8, 2).ret).toBe(0);
    expect(s.consoleLoglevel).toBe(3); // raised to the minimum
    s.doSyslog(6);
    s.doSyslog(8, 8); // re-enables: the saved level is forgotten
    s.doSyslog(7);
    expect(s.consoleLoglevel).toBe(8);
    expect(s.reachesConsole(7)).toBe(true);
  });
});

describe('PrintkBuffer', () => {
  it('feeds both designs and records console decisions', () => {
    const p = new PrintkBuffer({ classicLen: 4096, recordShift: 12, consoleLoglevel: 4 });
    p.printk({ level: 4, text: 'hello: loading out-of-tree module taints kernel.', tsNs: 1e9, tag: 10 });
    p.printk({ level: 6, text: 'Hello, world (count=3)', tsNs: 2e9, tag: 11 });
    expect(p.console.map((c) => [c.seq, c.tag, c.console, c.classicConsole])).toEqual([
      [0, 10, false, false],
      [1, 11, false, false],
    ]);
    p.setConsoleLoglevel(7);
    p.printk({ level: 6, text: 'x', tsNs: 3e9 });
    expect(p.console[2]).toMatchObject({ console: true, classicConsole: true });
    expect(p.classic.contents().text).toBe('<4>hello: loading out-of-tree module taints kernel.\n<6>Hello, world (count=3)\n<6>x\n');
    const rs = p.recordState();
    expect(rs.descs.map((d) => [d.index, d.state, d.seq])).toEqual([
      [0, 'finalized', 0],
      [1, 'finalized', 1],
      [2, 'finalized', 2],
      [127, 'reusable', 0],
    ]);
    // Blocks: ALIGN(reserve + 8, 8) with reserve = 2 (KERN_SOH + level) + text + "\n" + NUL.
    expect(rs.blocks.map((b) => [b.begin, b.end])).toEqual([
      [0, 64], // 48-char text: reserve 52
      [64, 104], // 22-char text: reserve 26
      [104, 120], // "x": reserve 5
    ]);
    const cs = p.classicState();
    expect(cs.spans.map((s) => [s.start, s.end, s.level, s.seq, s.lost])).toEqual([
      [0, 52, 4, 0, 0],
      [52, 78, 6, 1, 0],
      [78, 83, 6, 2, 0],
    ]);
    expect(cs.bytes.length).toBe(Math.ceil(4096 / 3) * 4);
    expect(p.records().map((r) => r?.text)).toEqual(['hello: loading out-of-tree module taints kernel.', 'Hello, world (count=3)', 'x']);
  });

  it('base64', () => {
    expect(base64(new Uint8Array([]))).toBe('');
    expect(base64(Uint8Array.from(ascii('Man')))).toBe('TWFu');
    expect(base64(Uint8Array.from(ascii('Ma')))).toBe('TWE=');
    expect(base64(Uint8Array.from(ascii('M')))).toBe('TQ==');
  });
});

import { describe, expect, it } from 'vitest';
import { RegisterLog } from './register-log';

describe('RegisterLog', () => {
  it('gives back the registers of every instruction, across snapshots, from one reused array', () => {
    const log = new RegisterLog();
    const gpr = new BigUint64Array(16);
    const kept: BigUint64Array[] = [];
    let x = 0x9e3779b9;
    const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 1000; i++) {
      // Mostly one or two registers change; sometimes none, sometimes all (a context switch of sorts).
      const n = i % 97 === 0 ? 16 : rnd() % 3;
      for (let j = 0; j < n; j++) gpr[n === 16 ? j : rnd() % 16] = (BigInt(rnd()) << 32n) | BigInt(rnd());
      if (i % 50 === 7) gpr[4] = 0xffffffffffffffffn; // both halves all ones
      log.push(gpr);
      kept.push(gpr.slice());
    }
    expect(log.count).toBe(1000);
    for (const k of [0, 1, 63, 64, 65, 127, 128, 500, 998, 999]) expect([...log.at(k)]).toEqual([...kept[k]]);
    for (let k = 0; k < 1000; k++) expect(log.at(k)).toEqual(kept[k]);
  });
});

/**
 * The time stamp counter of the modelled machine. QEMU's TCG gives the qemu64 guest a TSC that the 6.1 kernel
 * calibrates at boot (arch/x86/kernel/tsc.c, "tsc: Detected … MHz processor"); on the machine the lessons are
 * recorded on, scripts/qemu/recordings/platform-bus.qemu.json reads 2096.021 MHz (the other recordings of that
 * host: 2094.3 to 2096.0). rdtsc answers the modelled time since boot (kernel-memory.ts nowNs(): the kernel's
 * clock when the run began plus NS_PER_INSTRUCTION an instruction) at that rate, so it only goes forward and
 * agrees with jiffies: what code measures with it is the model's speed, not the host's nor QEMU's.
 */
import type { Cpu } from './cpu';
import { NS_PER_INSTRUCTION } from './kernel-memory';

/** tsc_khz as the recorded kernel printed it ("tsc: Detected 2096.021 MHz processor"). */
export const TSC_KHZ = 2_096_021;

/** The TSC at the current instruction: ns since boot × TSC_KHZ / 10^6. Outside a kernel: the instructions run so far. */
export function tscNow(c: Cpu): bigint {
  const ns = c.clockNs ? c.clockNs() : c.executed * NS_PER_INSTRUCTION;
  return (BigInt(Math.floor(ns)) * BigInt(TSC_KHZ)) / 1_000_000n;
}

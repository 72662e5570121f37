/** Bits the 6.1 step producers share: the file they cite most and how they print an address. */
export const MAIN = 'kernel/module/main.c';

/** An address or size as the step text shows it: 0x + lower-case hex, no padding. */
export const hx = (v: bigint): string => '0x' + v.toString(16);

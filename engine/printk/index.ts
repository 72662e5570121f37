/** engine/printk: the log rings (6.1's printk_ringbuffer, 2.4's classic log_buf). The public surface for hosts. */
export { CLASSIC_SIZES } from './classic-ring';
export { PrintkBuffer, type ClassicState, type RecordState } from './printk-buffer';
export { recordPrintText } from './syslog';

export function hex(n: number, pad = 0): string {
  return '0x' + n.toString(16).padStart(pad, '0');
}

export function bytesHuman(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

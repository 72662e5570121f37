/** The Electron executable under `root`, or null when none is on disk. */
export function electronBinary(root: string): string | null;

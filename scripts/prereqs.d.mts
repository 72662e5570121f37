export interface Prereq {
  what: string;
  pkg: string;
  for: string;
  found: (path: string) => boolean;
}
export const KERNEL_HEADERS: string;
export function onPath(name: string, path?: string): boolean;
export const PREREQS: Prereq[];
export const ALLOWED_SKIPS: { name: string; why: string }[];
export const PACKAGES: string[];
export function check(path?: string): { missing: Prereq[]; pkgs: string[]; command: string };

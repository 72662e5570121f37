import type { Plugin } from 'vite';
export declare function icedX86Module(): string;
export declare function icedX86Plugin(): Plugin;

import type { Plugin } from 'vite';
export declare const paths: { root: string; projectRoot: string; samples: string; outDir: string };
export declare function samplesPlugin(dir?: string): Plugin;
export declare function devResolve(): import('vite').UserConfig['resolve'];
export declare function cspInlineScripts(): Plugin;

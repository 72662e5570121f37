/**
 * The page's start (issue #15, export's first use): the entry starts the engine's worker and the profile's fetch before
 * anything else, and imports the app as a chunk of its own (a worker starts only once the task that created it ends:
 * with the app in the entry, that was the evaluation of the whole bundle); a trace link's worker loads its decoder at once.
 */
import { describe, expect, it } from 'vitest';
import mainSrc from './main.tsx?raw';
import engineStartSrc from './engine-start.ts?raw';
import { engineWorkerName } from './host/host';

const SOURCES: Record<string, string> = { 'main.tsx': mainSrc, 'engine-start.ts': engineStartSrc };
const src = (f: string) => SOURCES[f];
const staticImports = (text: string) => [...text.matchAll(/^import\s+(?:[^'"]*from\s+)?'([^']+)'/gm)].map((m) => m[1]);

describe('the page entry (main.tsx)', () => {
  it('imports engine-start first and the app (React, App) only dynamically', () => {
    const imports = staticImports(src('main.tsx'));
    expect(imports[0]).toBe('./engine-start');
    expect(imports.filter((i) => /App|react/.test(i))).toEqual([]);
    expect(src('main.tsx')).toMatch(/import\('\.\/app-root'\)/);
  });

  it('engine-start fetches the profile and starts the worker, and imports nothing of the app', () => {
    const text = src('engine-start.ts');
    expect(staticImports(text).sort()).toEqual(['./host/host', './lib/samples']);
    expect(text).toMatch(/^fetchProfile\(\)/m);
    expect(text).toMatch(/^getHost\(\);/m);
  });

  it('names the worker "+cpu" (decoder at once) for a trace link only', () => {
    expect(engineWorkerName('#kernel=6.1&insmod=hello.ko%20count%3D3&view=load')).toBe('modscope-engine+cpu');
    expect(engineWorkerName('#view=compare&insmod=hello.ko')).toBe('modscope-engine+cpu');
    expect(engineWorkerName('')).toBe('modscope-engine');
    expect(engineWorkerName('#view=load&pos=3')).toBe('modscope-engine');
  });
});

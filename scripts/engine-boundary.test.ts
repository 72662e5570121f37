// The engine stays pure: the lint rule must reject Node, Electron, React and DOM use inside engine/.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return r.messages.map((m) => m.ruleId ?? m.message);
}

describe('engine boundary lint rule', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ["import { app } from 'electron';\nexport const x = app;"],
    ["import React from 'react';\nexport const x = React;"],
    ["import * as d3 from 'd3';\nexport const x = d3;"],
    ["import path from 'path';\nexport const x = path;"],
  ])('rejects %s in engine/', async (code) => {
    expect(await ruleIds(code, 'engine/elf/violation.ts')).toContain('no-restricted-imports');
  });

  it('rejects DOM and Node globals in engine/', async () => {
    expect(await ruleIds('export const x = document.title;', 'engine/elf/violation.ts')).toContain('no-restricted-globals');
    expect(await ruleIds('export const x = process.env;', 'engine/elf/violation.ts')).toContain('no-restricted-globals');
  });

  it.each(['engine/elf', 'engine/elf/x.test', 'main/cli', 'renderer/src/views', 'e2e/x.spec', 'host-common/x'])(
    'rejects a line over 160 characters in %s',
    async (where) => {
      const file = where.includes('.') ? `${where}.ts` : `${where}/violation.ts`;
      expect(await ruleIds(`export const x = '${'a'.repeat(150)}';`, file)).toContain('max-len');
      expect(await ruleIds(`export const x = '${'a'.repeat(130)}';`, file)).toEqual([]);
    },
  );

  it('allows the same import outside engine/ and pure code inside', async () => {
    expect(await ruleIds("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", 'main/cli/ok.ts')).not.toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds("import { readElf } from './index';\nexport const x = readElf;", 'engine/elf/ok.ts')).toEqual([]);
  });
});

describe('host borders', () => {
  it('rejects renderer/ importing main/, and allows host-common/', async () => {
    expect(
      await ruleIds(
        "import { createIcedDecoder } from '../../../main/cpu/x';\nexport const x = createIcedDecoder;",
        'renderer/src/host/violation.ts',
      ),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds(
        "import { createIcedDecoder } from '../../../host-common/iced-decoder';\nexport const x = createIcedDecoder;",
        'renderer/src/host/ok.ts',
      ),
    ).toEqual([]);
  });

  it('rejects main/ importing renderer/, and allows host-common/', async () => {
    for (const file of ['main/cli/violation.ts', 'main/violation.ts']) {
      const up = file.startsWith('main/cli/') ? '../../' : '../';
      expect(await ruleIds(`import { quizPdf } from '${up}renderer/src/exercise/sheetPdf';\nexport const x = quizPdf;`, file)).toContain(
        'no-restricted-imports',
      );
      expect(await ruleIds(`import { quizPdf } from '${up}host-common/quiz-pdf';\nexport const x = quizPdf;`, file)).toEqual([]);
    }
  });

  it('rejects Node, Electron and either host inside host-common/', async () => {
    for (const code of [
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
      "import { x } from '../main/index';\nexport const y = x;",
      "import { x } from '../renderer/src/App';\nexport const y = x;",
    ]) {
      expect(await ruleIds(code, 'host-common/violation.ts')).toContain('no-restricted-imports');
    }
  });

  it.each([
    ['main/cli/violation.ts', "import { loadModule } from '../../engine/load/load-module';"],
    ['main/cli/violation.ts', "import type { LoadedModule } from '../../engine/kernel/module-record';"],
    ['main/cli/violation.ts', "import { errname } from '../../engine/cpu/kernel-calls/index';"],
    ['renderer/src/views/violation.ts', "import { CONCEPTS } from '../../../engine/tours/concepts';"],
    ['host-common/violation.ts', "import type { Decoder } from '../engine/cpu/types';"],
    ['host-common/violation.test.ts', "import type { Decoder } from '../engine/cpu/types';"],
  ])('rejects %s reaching past an engine folder: %s', async (file, imp) => {
    expect(await ruleIds(`${imp}\nexport type X = unknown;`, file)).toContain('no-restricted-imports');
  });

  it.each([
    ['main/cli/ok.ts', "import { loadModule } from '../../engine/load/index';"],
    ['main/cli/ok.ts', "import { createEngine } from '../../engine/engine';"],
    ['main/cli/ok.ts', "import { kernelSummary } from '../../engine/kernel-session';"],
    ['renderer/src/views/ok.ts', "import type { RelocRow } from '../../../engine/api-types';"],
    ['host-common/ok.ts', "import type { Decoder } from '../engine/cpu/index';"],
  ])('allows %s the public entry point: %s', async (file, imp) => {
    expect(await ruleIds(`${imp}\nexport type X = unknown;`, file)).not.toContain('no-restricted-imports');
  });

  it.each([
    ['main/cli/violation.ts', "import { ModelKernel } from '../../engine/kernel/index';\nexport const k = new ModelKernel(null!);"],
    ['main/cli/violation.ts', "import { attachCpu } from '../../engine/cpu/index';\nexport const a = attachCpu;"],
    ['renderer/src/violation.ts', "import { ModelKernel } from '../../engine/kernel';\nexport const k = ModelKernel;"],
  ])('rejects %s booting the kernel by hand: %s', async (file, code) => {
    expect(await ruleIds(code, file)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('allows the batch facade, and ModelKernel as a type', async () => {
    const code = [
      "import type { ModelKernel } from '../../engine/kernel/index';",
      "import { bootBatchKernel } from '../../engine/kernel-session';",
      'export const boot = (p: Parameters<typeof bootBatchKernel>[0]): ModelKernel => bootBatchKernel(p);',
    ].join('\n');
    expect(await ruleIds(code, 'main/cli/ok.ts')).toEqual([]);
  });
});

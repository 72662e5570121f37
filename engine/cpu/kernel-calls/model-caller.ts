/**
 * Tests of the kernel-function models call them by name: `call('bdi_alloc', …)` runs the model
 * kernelFunctionModels() registers for that name on a FakeContext (a name without a model throws).
 */
import { fakeContext, type FakeContext } from './fake-context';
import { kernelFunctionModels } from './registry';
import type { KernelCallState } from './state';

export function modelCaller(state: KernelCallState, ctx: FakeContext = fakeContext()) {
  const models = kernelFunctionModels(state);
  const call = (name: string, ...args: bigint[]) => {
    const f = models.get(name);
    if (!f) throw new Error(`${name} is not modelled`);
    return ctx.call(f, ...args);
  };
  return { ctx, call };
}

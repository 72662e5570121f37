/** engine/whatif: change one byte or argument of a module and find where its load first diverges. The public surface for hosts. */
export { firstDivergence, type Divergence, type StepLike } from './compare';
export { MUTATION_HELP, MUTATION_KINDS, mutate, parseMutation, type Mutated } from './mutate';
export {
  allocSites,
  mutateWithDeps,
  runWhatIf,
  WhatIfDependencyError,
  type WhatIfAnswer,
  type WhatIfFault,
  type WhatIfInput,
  type WhatIfSide,
} from './run';
export { loadWithFault, type FaultRun } from './fault-run';
export { FAULT_HELP, isFault, parseFault } from './faults';
export { ALLOC_SITE_IDS, FAIL_FUNCTIONS } from '../load/fault-sites';
export { exportsSymbol } from './unexport';

/** engine/trace: steps, operations and their outcomes (the timeline). The public surface for hosts. */
export type { OperationInfo, Side, Stage, StepInfo } from './types';
export { cannotSay, cannotSayBudget, cannotSayData, cannotSayInstruction, opEnd, outcomeText } from './outcome';

/** Entry point of engine/shell: a root shell on the modelled kernel and lesson transcripts. */
export { Shell, runScript, type RunResult } from './shell';
export type { ShellDeps, Io, CommandFn, ShellContext } from './types';
export type { ParamAccess, FsNode, ReadResult } from './vfs';
export { parseLine, type Pipeline, type SimpleCommand, type Redirect } from './parse';
export { procModules, procModulesLine, procKallsymsModules } from './formats';
export { kernfsNameHash, kernfsOrder } from '../kernel/kernfs';
export { pathToModname } from './kmod';

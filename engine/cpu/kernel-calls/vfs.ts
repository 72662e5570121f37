/**
 * The minimum VFS a module's own filesystem needs when the module mounts it inside the kernel (configfs:
 * configfs_register_subsystem() → configfs_pin_fs() → simple_pin_fs()) and builds its tree (d_alloc_name, d_add,
 * new_inode, d_instantiate …), and the way back down at unload: real super_block, inode, dentry and mount objects in
 * model memory (vfs-layout.ts), with the module's callbacks (init_fs_context, get_tree, fill_super, d_iput,
 * free_inode …) run on the modelled CPU through ctx.callModule.
 */
import type { KernelFunction } from '../types';
import type { KernelCallState } from './state';
import { VfsState, type VfsEnv } from './vfs-objects';
import { inodeFunctions } from './vfs-inode';
import { dcacheFunctions } from './vfs-dcache';
import { mountFunctions } from './vfs-mount';

export function vfsFunctions(s: KernelCallState): Record<string, KernelFunction> {
  const env: VfsEnv = { s, v: new VfsState(), sym: (name) => s.options.lookupSymbol?.(name) ?? null };
  return { ...inodeFunctions(env), ...dcacheFunctions(env), ...mountFunctions(env) };
}

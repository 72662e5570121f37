/**
 * Point the shell at a module tree (a lib/modules/<ver> folder: the fetched corpus, or a real machine's), so
 * `modprobe amdgpu` loads its dependencies first as `modscope load --modprobe` does. Electron: the native folder
 * dialog in main, which reads the files; the browser: a directory input, read lazily in the page.
 */
import { useRef } from 'react';
import type { ModuleTreeInfo } from '../../../../engine/api-types';

export function ModuleTreePicker({
  tree,
  disabled,
  native,
  onFiles,
  onNative,
}: {
  tree: ModuleTreeInfo | null;
  disabled: boolean;
  /** The host has a native folder dialog (Electron). */
  native: boolean;
  onFiles: (files: FileList) => void;
  onNative: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const title = tree
    ? `Module tree: ${tree.modules.toLocaleString('en-US')} modules as ${tree.root}; dependencies from ${tree.dependencies}${
        tree.dependencies === 'Module.symvers'
          ? " (no modules.dep in the folder: found from each module's symbols, as modscope load --modprobe does)"
          : ''
      }. modprobe NAME loads NAME and what it needs from there. Click to pick another folder.`
    : 'Pick a lib/modules/<version> folder: modprobe NAME in the shell then loads NAME and what it needs from there';
  return (
    <span className="module-tree small" data-testid="module-tree">
      <button
        type="button"
        className="btn ghost small"
        disabled={disabled}
        data-testid="module-tree-button"
        title={title}
        onClick={() => (native ? onNative() : input.current?.click())}
      >
        {tree ? (
          <span data-testid="module-tree-info" data-modules={tree.modules} data-deps={tree.dependencies}>
            modules: <span className="mono">{tree.label || tree.root}</span> ({tree.modules.toLocaleString('en-US')})
          </span>
        ) : (
          'Module tree…'
        )}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="module-tree-input"
        // A directory input: the browser lists the folder's files; none is read until modprobe needs it.
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => {
          const files = e.target.files;
          if (files && files.length) onFiles(files);
          e.target.value = '';
        }}
      />
    </span>
  );
}

import { useMemo, type ReactElement } from 'react';
import type { TreeEntry } from '../../git/types.ts';

interface Props {
  files: TreeEntry[];
  selected: string | null;
  onSelect(path: string): void;
}

interface DirNode {
  name: string;
  dirs: Map<string, DirNode>;
  files: TreeEntry[];
}

function buildTree(files: TreeEntry[]): DirNode {
  const root: DirNode = { name: '', dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let next = node.dirs.get(part);
      if (!next) {
        next = { name: part, dirs: new Map(), files: [] };
        node.dirs.set(part, next);
      }
      node = next;
    }
    node.files.push(f);
  }
  return root;
}

function DirView({ node, selected, onSelect }: { node: DirNode } & Omit<Props, 'files'>): ReactElement {
  const dirs = [...node.dirs.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <ul>
      {dirs.map((d) => (
        <li key={d.name}>
          <details open>
            <summary>{d.name}/</summary>
            <DirView node={d} selected={selected} onSelect={onSelect} />
          </details>
        </li>
      ))}
      {node.files.map((f) => {
        const name = f.path.slice(f.path.lastIndexOf('/') + 1);
        return (
          <li key={f.path}>
            <button
              type="button"
              className={f.path === selected ? 'file selected' : 'file'}
              aria-current={f.path === selected ? 'true' : undefined}
              title={f.path}
              onClick={() => onSelect(f.path)}
            >
              {name}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function FileTree({ files, selected, onSelect }: Props): ReactElement {
  const tree = useMemo(() => buildTree(files), [files]);
  return (
    <nav className="file-tree" aria-label="Files">
      <DirView node={tree} selected={selected} onSelect={onSelect} />
    </nav>
  );
}

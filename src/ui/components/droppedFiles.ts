import type { LocalFileEntry, LocalImportSource } from '../../git/local-import.ts';

/**
 * Turns what the user picked or dropped into an import source. Only File handles are gathered here (no bytes
 * are read on the main thread); the git worker reads each file when it writes it.
 */

/** Files of an `<input webkitdirectory>`: their webkitRelativePath starts with the chosen folder's name. */
export function folderSource(files: FileList | File[]): LocalImportSource {
  const list = Array.from(files);
  const entries: LocalFileEntry[] = list.map((f) => ({ path: f.webkitRelativePath || f.name, data: f }));
  const name = entries[0]?.path.split('/')[0] ?? 'folder';
  return { kind: 'folder', name, files: entries };
}

export function zipSource(file: File): LocalImportSource {
  return { kind: 'zip', name: file.name, zip: file };
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in batches (about 100 in Chromium) until it answers an empty one.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: LocalFileEntry[]): Promise<void> {
  if (entry.isFile) {
    // fullPath is "/<dropped folder>/...": the leading slash goes, the folder's name stays (it is stripped later).
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), data: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) await walk(child, out);
  }
}

/**
 * A drop of one folder or one zip file. The entries must be taken from the DataTransfer synchronously, during
 * the drop event; the walk that follows may take its time. Returns null when the drop holds anything else.
 */
export function droppedSource(transfer: DataTransfer): Promise<LocalImportSource> | null {
  const items = Array.from(transfer.items).filter((i) => i.kind === 'file');
  if (items.length !== 1) return null;
  const item = items[0]!;
  const entry = item.webkitGetAsEntry();
  if (entry?.isDirectory) {
    return (async () => {
      const files: LocalFileEntry[] = [];
      await walk(entry, files);
      return { kind: 'folder', name: entry.name, files };
    })();
  }
  const file = item.getAsFile();
  return file ? Promise.resolve(zipSource(file)) : null;
}

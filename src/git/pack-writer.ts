import { zlibSync } from 'fflate';

/**
 * Git objects built in memory and written as one packfile. A local import makes hundreds of objects at once;
 * as loose objects each is its own file, which in the browser's IndexedDB-backed fs is its own transaction
 * (measured: ~35 s for numpy's 837 files under load). One pack is one write.
 */
export type ObjectType = 'commit' | 'tree' | 'blob';

export interface GitObject {
  type: ObjectType;
  oid: string;
  body: Uint8Array;
}

const TYPE_CODE: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3 };
const encoder = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha1(bytes: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-1', bytes);
}

/** The object and its id: SHA-1 of "<type> <size>\0" followed by the body. */
export async function gitObject(type: ObjectType, body: Uint8Array): Promise<GitObject> {
  const oid = hex(await sha1(concat([encoder.encode(`${type} ${body.byteLength}\0`), body])));
  return { type, oid, body };
}

export interface TreeItem {
  name: string;
  oid: string;
  kind: 'file' | 'dir';
}

/** Git sorts tree entries by name, with a directory compared as if its name ended in "/". */
function treeSortKey(item: TreeItem): string {
  return item.kind === 'dir' ? `${item.name}/` : item.name;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function oidBytes(oid: string): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = parseInt(oid.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function treeBody(items: TreeItem[]): Uint8Array {
  const keyed = items.map((item) => ({ item, key: encoder.encode(treeSortKey(item)) }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  return concat(
    keyed.flatMap(({ item }) => [encoder.encode(`${item.kind === 'dir' ? '40000' : '100644'} ${item.name}\0`), oidBytes(item.oid)]),
  );
}

export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch, UTC. */
  timestamp: number;
}

export function commitBody(tree: string, parents: string[], who: Signature, message: string): Uint8Array {
  const line = `${who.name} <${who.email}> ${who.timestamp} +0000`;
  const headers = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), `author ${line}`, `committer ${line}`];
  return encoder.encode(`${headers.join('\n')}\n\n${message}`);
}

/** The pack entry header: type and inflated size, 4 bits then 7 bits per byte, high bit = more. */
function entryHeader(type: ObjectType, size: number): Uint8Array {
  const bytes: number[] = [];
  let byte = (TYPE_CODE[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Uint8Array.from(bytes);
}

/** A version-2 packfile of whole (undeltified) objects, and its checksum (which names the file). */
export async function buildPack(objects: GitObject[]): Promise<{ pack: Uint8Array; checksum: string }> {
  const header = new Uint8Array(12);
  header.set(encoder.encode('PACK'), 0);
  const view = new DataView(header.buffer);
  view.setUint32(4, 2);
  view.setUint32(8, objects.length);
  // Level 1: the pack is written once and read rarely; speed matters more than a few percent of size.
  const parts: Uint8Array[] = [header];
  for (const o of objects) parts.push(entryHeader(o.type, o.body.byteLength), zlibSync(o.body, { level: 1 }));
  const body = concat(parts);
  const checksum = await sha1(body);
  return { pack: concat([body, new Uint8Array(checksum)]), checksum: hex(checksum) };
}

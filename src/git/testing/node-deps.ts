/** The git service's dependencies in Node: the real file system under a root directory, and http/node. */
import * as nodeFs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import http from 'isomorphic-git/http/node';
import type { GitServiceDeps } from '../service.ts';

export function nodeGitDeps(root: string, demoDir: string, extra: Partial<GitServiceDeps> = {}): GitServiceDeps {
  return {
    fs: nodeFs,
    http,
    root,
    loadDemoFile: async (name) => new Uint8Array(await readFile(join(demoDir, name))),
    ...extra,
  };
}

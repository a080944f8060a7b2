import { expect } from 'vitest';
import { GitError } from '../errors.ts';
import type { GitErrorCode } from '../types.ts';

/** For the git layer's tests: the GitError code a call rejects with, or 'resolved'. */
export async function codeOf(p: Promise<unknown>): Promise<GitErrorCode | 'resolved'> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return (err as GitError).code;
  }
}

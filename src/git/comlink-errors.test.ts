import { expose, releaseProxy, wrap, type Endpoint } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { installGitErrorTransfer } from './comlink-errors.ts';
import { GitError } from './errors.ts';

interface Thrower {
  failWith(code: 'cancelled' | 'not-found-or-private'): Promise<void>;
  failPlainly(): Promise<void>;
}

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function connect(): ReturnType<typeof wrap<Thrower>> {
  const channel = new MessageChannel();
  channels.push(channel);
  const impl: Thrower = {
    async failWith(code) {
      throw new GitError(code, `failed: ${code}`);
    },
    async failPlainly() {
      throw new TypeError('plain failure');
    },
  };
  expose(impl, channel.port1 as unknown as Endpoint);
  return wrap<Thrower>(channel.port2 as unknown as Endpoint);
}

describe('GitError across comlink', () => {
  it('arrives as a GitError with its code', async () => {
    installGitErrorTransfer();
    const remote = connect();
    const err = await remote.failWith('not-found-or-private').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).code).toBe('not-found-or-private');
    expect((err as GitError).message).toBe('failed: not-found-or-private');
    remote[releaseProxy]();
  });

  it('leaves other errors as comlink sends them', async () => {
    installGitErrorTransfer();
    const remote = connect();
    const err = await remote.failPlainly().catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(GitError);
    expect((err as Error).message).toBe('plain failure');
    remote[releaseProxy]();
  });
});

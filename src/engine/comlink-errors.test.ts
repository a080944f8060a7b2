import { expose, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { installModelErrorTransfer } from './comlink-errors.ts';
import { ModelError } from './errors.ts';

describe('ModelError across comlink', () => {
  it('arrives as a ModelError with its code; other errors stay plain errors', async () => {
    installModelErrorTransfer();
    const { port1, port2 } = new MessageChannel();
    expose(
      {
        corrupt: () => {
          throw new ModelError('corrupt-file', 'lm: sha256 mismatch');
        },
        plain: () => {
          throw new TypeError('boom');
        },
      },
      nodeEndpoint(port1),
    );
    const remote = wrap<{ corrupt(): void; plain(): void }>(nodeEndpoint(port2));
    const error = await remote.corrupt().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: 'corrupt-file', message: 'lm: sha256 mismatch' });
    const plain = await remote.plain().then(
      () => null,
      (e: unknown) => e,
    );
    expect(plain).toBeInstanceOf(Error);
    expect(plain).not.toBeInstanceOf(ModelError);
    port1.close();
    port2.close();
  });
});

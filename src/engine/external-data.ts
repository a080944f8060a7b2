import { dequantizeExternal } from './gguf-dequantize.ts';
import type { ManifestFile } from './types.ts';

/**
 * The external data a manifest graph needs before its session is made (none for most graphs): for the base LM, its
 * float32 weights expanded from the blocks file. `read` returns another manifest file's verified bytes; the app,
 * the CLI tools and the tests all come through here.
 */
export async function externalDataOf(
  file: ManifestFile,
  read: (name: string) => Promise<Uint8Array>,
): Promise<{ path: string; data: Uint8Array }[] | undefined> {
  const external = file.external;
  if (!external) return undefined;
  const blocks = await read(external.blocksFile);
  return [{ path: external.location, data: dequantizeExternal(blocks, external) }];
}

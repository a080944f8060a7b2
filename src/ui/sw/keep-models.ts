import { ModelFiles } from '../../engine/model-files.ts';
import { CacheApiStore } from '../../engine/model-store.ts';

/**
 * Puts every model file of the app's manifest into the engine's verified store (the Cache API store the model
 * worker reads first), so the completer loads offline even if it never ran before the network went away. The
 * engine's own code does it: the same keys, the same size and sha256 checks; files already kept are checked and
 * not downloaded again.
 *
 * A failure (e.g. a deployment without models) must not stop the app shell from being kept, so it is logged
 * and the engine will report the missing model itself when it needs it.
 */
export async function keepModelsOffline(manifestUrl: string): Promise<void> {
  try {
    const files = await ModelFiles.open(manifestUrl, await CacheApiStore.open());
    await files.ensureAll(() => undefined);
  } catch (error) {
    console.warn(`service worker: the models were not kept for offline use (${String(error)})`);
  }
}

import type { LoadProgress } from '../../engine/types.ts';

/**
 * A model file's progress in words: megabytes so far of the total, and the rate since the file started (a 98 MB
 * graph takes long enough on a slow line that "12.3 / 97.8 MB" alone does not say whether it is moving).
 */
export function downloadDetail(p: LoadProgress, elapsedMs: number): string {
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  const amount = `${mb(p.loaded)} / ${mb(p.total)} MB`;
  if (p.source === 'cache') return `${amount} from this browser's copy (checking its sha256)`;
  if (elapsedMs < 250 || p.loaded === 0) return amount;
  return `${amount} · ${mb((p.loaded * 1000) / elapsedMs)} MB/s`;
}

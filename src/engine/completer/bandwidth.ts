/**
 * The memory-bandwidth bound of decoding: every decode step reads all of the LM's float32 weights once
 * (onnxruntime computes in float32 whatever the file stores), so no step can beat weight bytes / bandwidth. The
 * bandwidth is measured where the model runs (Node, or the browser's worker), in the same run as the figures.
 */

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** GB/s of copying a Float32Array far larger than any cache (bytes read + written over the time), median of `repeats`. */
export function copyBandwidthGBs(megabytes = 128, repeats = 5): number {
  const n = (megabytes * 1024 * 1024) / 4;
  const src = new Float32Array(n).fill(1);
  const dst = new Float32Array(n);
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    dst.set(src);
    rates.push((2 * n * 4) / ((performance.now() - start) / 1000) / 1e9);
  }
  return median(rates);
}

/** The LM's float32 weight bytes from the manifest's config (`config.lm.params`), or null where it is not stated. */
export function lmWeightBytes(config: unknown): number | null {
  if (typeof config !== 'object' || config === null) return null;
  const lm = (config as { lm?: unknown }).lm;
  if (typeof lm !== 'object' || lm === null) return null;
  const params = (lm as { params?: unknown }).params;
  return typeof params === 'number' && params > 0 ? params * 4 : null;
}

export interface DecodeBound {
  weightBytes: number;
  bandwidthGBs: number;
  /** weightBytes / bandwidth: the fastest a decode step can be. */
  boundMs: number;
}

export function decodeBound(config: unknown): DecodeBound | null {
  const weightBytes = lmWeightBytes(config);
  if (weightBytes === null) return null;
  const bandwidthGBs = copyBandwidthGBs();
  return { weightBytes, bandwidthGBs, boundMs: (weightBytes / (bandwidthGBs * 1e9)) * 1000 };
}

/**
 * A cosine between consecutive adapters, with as many decimals as it takes to tell it from 1. The adapters share a
 * large learned base, so a real step moves the cosine only in the fifth or sixth decimal: at a fixed four decimals
 * every step would read "1.0000", as if the state had not moved.
 */
export function formatCosine(cosine: number): string {
  if (!Number.isFinite(cosine)) return String(cosine);
  const gap = 1 - cosine;
  if (gap <= 0 || gap >= 1e-4) return cosine.toFixed(4);
  const decimals = Math.min(12, Math.ceil(-Math.log10(gap)) + 2);
  return cosine.toFixed(decimals);
}

/**
 * File importance and the importance-ordered token cap of the repository encoder: a line-by-line twin of
 * models/static/importance.py (DESIGN.md section 2). Float64 throughout, like NumPy there.
 */
import { codePointLength } from './python-strings.ts';

const SRC_BONUS = 0.5;
const INIT_PENALTY = -1.0;
const TINY_PENALTY = -1.0;
const PERIPHERAL_PENALTY = -0.5;
const PERIPHERAL_NAMES = new Set(['setup.py', 'conf.py', 'noxfile.py', 'fabfile.py', 'tasks.py', 'manage.py']);
const PERIPHERAL_DIRS = new Set(['docs', 'doc', 'examples', 'example', 'benchmarks', 'bench', 'scripts', 'tools']);
/** The pretraining corpus averages 3.5 characters per token; only the planning uses this estimate. */
const CHARS_PER_TOKEN = 3.5;

export function pathPrior(path: string, tokens: number, tinyFileTokens: number): number {
  const parts = path.split('/');
  const dirs = parts.slice(0, -1);
  const name = parts[parts.length - 1] as string;
  let score = 0;
  if (dirs.includes('src')) score += SRC_BONUS;
  if (name === '__init__.py') score += INIT_PENALTY;
  if (tokens < tinyFileTokens) score += TINY_PENALTY;
  if (PERIPHERAL_NAMES.has(name) || dirs.some((d) => PERIPHERAL_DIRS.has(d))) score += PERIPHERAL_PENALTY;
  return score;
}

export function estimatedTokens(text: string): number {
  return Math.max(1, Math.ceil(codePointLength(text) / CHARS_PER_TOKEN));
}

export function sizeTerms(tokenCounts: readonly number[]): number[] {
  const logs = tokenCounts.map((n) => Math.log1p(n));
  const top = logs.length ? Math.max(...logs) : 1.0;
  return logs.map((l) => l / Math.max(top, 1e-9));
}

export function priorScores(paths: readonly string[], tokenCounts: readonly number[], tinyFileTokens: number): number[] {
  const sizes = sizeTerms(tokenCounts);
  return paths.map((p, i) => (sizes[i] as number) + pathPrior(p, tokenCounts[i] as number, tinyFileTokens));
}

/** 1 - cos(f_i, mean f) for each file vector. */
export function distinctiveness(vectors: readonly Float64Array[]): number[] {
  const d = vectors[0]?.length ?? 0;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j] as number;
  for (let j = 0; j < d; j++) mean[j]! /= vectors.length;
  let meanSq = 0;
  for (let j = 0; j < d; j++) meanSq += (mean[j] as number) ** 2;
  const meanNorm = Math.max(Math.sqrt(meanSq), 1e-9);
  return vectors.map((v) => {
    let dot = 0;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      dot += (v[j] as number) * (mean[j] as number);
      sq += (v[j] as number) ** 2;
    }
    return 1 - dot / Math.max(Math.sqrt(sq) * meanNorm, 1e-9);
  });
}

/** w = softmax((prior + distinctiveness) / tau) */
export function importanceWeights(priors: readonly number[], vectors: readonly Float64Array[], tau: number): number[] {
  const dist = distinctiveness(vectors);
  const z = priors.map((p, i) => (p + (dist[i] as number)) / tau);
  const top = Math.max(...z);
  const w = z.map((x) => Math.exp(x - top));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

export interface ChunkPlan {
  /** Leading chunks of each file to encode (0 = left out by the cap). */
  chunksPerFile: number[];
  tokens: number;
}

/** Breadth-first by prior: every file's first chunk (best prior first), then second chunks, ... up to the cap. */
export function planChunks(
  tokenCounts: readonly number[],
  priors: readonly number[],
  chunkTokens: number,
  maxChunksPerFile: number,
  tokenCap: number,
): ChunkPlan {
  const order = tokenCounts.map((_, i) => i).sort((a, b) => (priors[b] as number) - (priors[a] as number) || a - b);
  const chunks = tokenCounts.map(() => 0);
  let used = 0;
  for (let depth = 0; depth < maxChunksPerFile; depth++) {
    for (const i of order) {
      const start = depth * chunkTokens;
      const count = tokenCounts[i] as number;
      if (start >= count || chunks[i] !== depth) continue;
      const size = Math.min(chunkTokens, count - start);
      if (used + size > tokenCap) return { chunksPerFile: chunks, tokens: used };
      chunks[i]! += 1;
      used += size;
    }
  }
  return { chunksPerFile: chunks, tokens: used };
}

export function chunkWindows(ids: readonly number[], chunks: number, chunkTokens: number): number[][] {
  return Array.from({ length: chunks }, (_, c) => ids.slice(c * chunkTokens, (c + 1) * chunkTokens));
}

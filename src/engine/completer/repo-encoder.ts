/**
 * The repository encoder, a twin of models/static/repo_encoder.py: production files -> importance-ordered chunk
 * plan under the token cap -> leading token chunks -> encoder.onnx pooled vectors -> file vectors (mean of a
 * file's chunks, cached by blob id) -> e = [importance-weighted mean ; max].
 */
import type { CodeTokenizer } from '../../core/tokenizer/code-tokenizer.ts';
import { isProductionFile } from '../../core/python/file-roles.ts';
import type { ModelHost } from '../model-host.ts';
import type { PlainTensor } from '../types.ts';
import type { EncodeProgress, SourceFile } from './api.ts';
import type { CancelToken } from './cancel.ts';
import type { EncoderSettings } from './config.ts';
import { chunkWindows, estimatedTokens, importanceWeights, planChunks, priorScores } from './importance.ts';
import { compareCodePoints } from './python-strings.ts';
import { leadingTokens } from './text-tokens.ts';
import { vectorKey, type VectorCache } from './vector-cache.ts';

export interface RepoEmbedding {
  /** [2 * d_model] */
  vector: Float32Array;
  files: number;
  filesEncoded: number;
  tokensPlanned: number;
}

interface Plan {
  files: SourceFile[];
  /** Indices of files with at least one chunk, and how many chunks each. */
  chosen: { index: number; chunks: number }[];
  priors: number[];
  tokens: number;
}

/** The production files in the Python pipeline's order (sorted by path). */
export function productionFiles(files: readonly SourceFile[]): SourceFile[] {
  return files.filter((f) => isProductionFile(f.path)).sort((a, b) => compareCodePoints(a.path, b.path));
}

export class RepoEncoder {
  constructor(
    private readonly host: ModelHost,
    private readonly tokenizer: CodeTokenizer,
    private readonly settings: EncoderSettings,
    private readonly dModel: number,
    /** sha256 of encoder.onnx: vectors of another encoder are never reused. */
    private readonly encoderSha: string,
    private readonly cache: VectorCache,
  ) {}

  plan(files: readonly SourceFile[]): Plan {
    const production = productionFiles(files);
    const counts = production.map((f) => estimatedTokens(f.text));
    const priors = priorScores(production.map((f) => f.path), counts, this.settings.tiny_file_tokens);
    const { chunk_tokens, max_chunks_per_file, repo_token_cap } = this.settings;
    const plan = planChunks(counts, priors, chunk_tokens, max_chunks_per_file, repo_token_cap);
    const chosen = plan.chunksPerFile.flatMap((chunks, index) => (chunks > 0 ? [{ index, chunks }] : []));
    return { files: production, chosen, priors, tokens: plan.tokens };
  }

  private key(file: SourceFile, chunks: number): string {
    return vectorKey(this.encoderSha, this.settings.chunk_tokens, chunks, file.oid);
  }

  /** Vectors of the planned files, encoding (and caching) the ones not in the cache. */
  async fileVectors(
    plan: Plan,
    onProgress?: (p: EncodeProgress) => void,
    cancel?: CancelToken,
  ): Promise<{ vectors: Float32Array[]; tokens: number; cached: number }> {
    const vectors: (Float32Array | undefined)[] = [];
    const missing: number[] = [];
    for (const [row, { index, chunks }] of plan.chosen.entries()) {
      const hit = await this.cache.get(this.key(plan.files[index] as SourceFile, chunks));
      vectors.push(hit);
      if (!hit) missing.push(row);
    }
    const cached = plan.chosen.length - missing.length;
    const windows: number[][] = [];
    const owner: number[] = [];
    for (const row of missing) {
      const { index, chunks } = plan.chosen[row] as { index: number; chunks: number };
      const ids = leadingTokens(this.tokenizer, (plan.files[index] as SourceFile).text, chunks * this.settings.chunk_tokens);
      for (const w of chunkWindows(ids, chunks, this.settings.chunk_tokens)) {
        if (w.length === 0) continue;
        windows.push(w);
        owner.push(row);
      }
    }
    const totalTokens = windows.reduce((n, w) => n + w.length, 0);
    const progress = { files: cached, totalFiles: plan.chosen.length, tokens: 0, totalTokens, cached };
    onProgress?.({ ...progress });
    const chunkVectors = await this.encodeChunks(windows, (tokens) => {
      progress.tokens += tokens;
      onProgress?.({ ...progress });
    }, cancel);
    for (const row of missing) {
      // mine.mean(axis=0) in float32: rows added one by one, then divided.
      const sum = new Float32Array(this.dModel);
      let n = 0;
      owner.forEach((o, w) => {
        if (o !== row) return;
        const v = chunkVectors[w] as Float32Array;
        for (let j = 0; j < this.dModel; j++) sum[j] = (sum[j] as number) + (v[j] as number);
        n++;
      });
      if (n > 0) for (let j = 0; j < this.dModel; j++) sum[j] = (sum[j] as number) / n;
      vectors[row] = sum;
      const { index, chunks } = plan.chosen[row] as { index: number; chunks: number };
      await this.cache.set(this.key(plan.files[index] as SourceFile, chunks), sum);
      progress.files++;
    }
    onProgress?.({ ...progress });
    return { vectors: vectors as Float32Array[], tokens: progress.tokens, cached };
  }

  /** Pooled vectors of token chunks, batched by similar length with right padding (masked), as in Python. */
  private async encodeChunks(chunks: number[][], onBatch: (tokens: number) => void, cancel?: CancelToken): Promise<Float32Array[]> {
    const order = chunks.map((_, i) => i).sort((a, b) => (chunks[a] as number[]).length - (chunks[b] as number[]).length);
    const out: Float32Array[] = new Array(chunks.length);
    const step = this.settings.batch_chunks;
    for (let start = 0; start < order.length; start += step) {
      cancel?.throwIfCancelled();
      const rows = order.slice(start, start + step);
      const width = Math.max(...rows.map((i) => (chunks[i] as number[]).length));
      const ids = new BigInt64Array(rows.length * width).fill(BigInt(this.tokenizer.padId));
      const mask = new BigInt64Array(rows.length * width);
      let tokens = 0;
      rows.forEach((i, r) => {
        const chunk = chunks[i] as number[];
        chunk.forEach((id, t) => {
          ids[r * width + t] = BigInt(id);
          mask[r * width + t] = 1n;
        });
        tokens += chunk.length;
      });
      const outputs = await this.host.run('encoder', {
        input_ids: { type: 'int64', data: ids, dims: [rows.length, width] },
        attention_mask: { type: 'int64', data: mask, dims: [rows.length, width] },
      });
      const pooled = outputs.pooled as PlainTensor | undefined;
      if (!pooled || pooled.type !== 'float32') throw new Error('encoder.onnx returned no float32 "pooled" output');
      rows.forEach((i, r) => {
        out[i] = pooled.data.slice(r * this.dModel, (r + 1) * this.dModel);
      });
      onBatch(tokens);
    }
    return out;
  }

  /** e = [sum_i w_i f_i ; max_i f_i] over the planned files (zeros for a repository with no production code). */
  async embed(files: readonly SourceFile[], cancel?: CancelToken): Promise<RepoEmbedding> {
    const plan = this.plan(files);
    const d = this.dModel;
    const vector = new Float32Array(2 * d);
    if (plan.chosen.length === 0) return { vector, files: plan.files.length, filesEncoded: 0, tokensPlanned: 0 };
    const { vectors } = await this.fileVectors(plan, undefined, cancel);
    const wide = vectors.map((v) => Float64Array.from(v));
    const weights = importanceWeights(plan.chosen.map((c) => plan.priors[c.index] as number), wide, this.settings.tau);
    for (let j = 0; j < d; j++) {
      let mean = 0;
      let max = -Infinity;
      wide.forEach((v, i) => {
        mean += (weights[i] as number) * (v[j] as number);
        max = Math.max(max, v[j] as number);
      });
      vector[j] = mean;
      vector[d + j] = max;
    }
    return { vector, files: plan.files.length, filesEncoded: plan.chosen.length, tokensPlanned: plan.tokens };
  }
}

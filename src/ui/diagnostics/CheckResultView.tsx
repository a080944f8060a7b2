import type { ReactElement } from 'react';
import type { TensorSummary } from './compare.ts';
import type { CheckResult } from './run-check.ts';

/**
 * Outputs of the two backends agree when their largest difference, relative to the output's scale, is below this
 * (float32 kernels sum in different orders; an LM's KV values reach the hundreds).
 */
export const AGREEMENT_TOLERANCE = 1e-3;

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}

function describe(summary: TensorSummary): string {
  return `${summary.type} [${summary.dims.join('×')}] min ${formatNumber(summary.min)} max ${formatNumber(summary.max)} mean ${formatNumber(summary.mean)}; first ${summary.head.map(formatNumber).join(', ')}`;
}

export function CheckResultView({ result }: { result: CheckResult }): ReactElement {
  const { maxAbsDiff, maxScaledDiff } = result;
  const figures =
    maxAbsDiff === null || maxScaledDiff === null
      ? ''
      : `max abs difference ${formatNumber(maxAbsDiff)} (relative to the output's scale ${formatNumber(maxScaledDiff)})`;
  const verdict =
    maxScaledDiff === null
      ? `Only WASM ran (${result.webgpuSkipped ?? 'WebGPU unavailable'}).`
      : maxScaledDiff <= AGREEMENT_TOLERANCE
        ? `WebGPU and WASM agree: ${figures}.`
        : `WebGPU and WASM disagree: ${figures}.`;
  return (
    <div className="check-result">
      <p
        role="status"
        aria-label="Backend comparison"
        data-max-abs-diff={maxAbsDiff === null ? '' : String(maxAbsDiff)}
        data-max-scaled-diff={maxScaledDiff === null ? '' : String(maxScaledDiff)}
      >
        {verdict}
      </p>
      <p className="muted">
        {result.runs
          .map((run) => `${run.backend === 'webgpu' ? 'WebGPU' : 'WASM'}: session ${Math.round(run.loadMs)} ms, run ${Math.round(run.runMs)} ms`)
          .join('; ')}
      </p>
      <table aria-label={`Outputs of ${result.graph}`}>
        <thead>
          <tr>
            <th scope="col">Output</th>
            {result.runs.map((run) => (
              <th scope="col" key={run.backend}>
                {run.backend === 'webgpu' ? 'WebGPU' : 'WASM'}
              </th>
            ))}
            {result.comparisons.length > 0 && <th scope="col">Max abs difference</th>}
          </tr>
        </thead>
        <tbody>
          {Object.keys(result.runs[0]?.outputs ?? {}).map((name) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              {result.runs.map((run) => (
                <td key={run.backend}>{run.outputs[name] ? describe(run.outputs[name]) : 'missing'}</td>
              ))}
              {result.comparisons.length > 0 && (
                <td>{formatNumber(result.comparisons.find((c) => c.name === name)?.maxAbsDiff ?? Infinity)}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { BackendChoice, BackendPreference, GpuAdapterSummary } from './types.ts';

/*
 * The slice of the WebGPU API the backend choice needs, typed here because the project does not pull in
 * @webgpu/types. Real `navigator.gpu` objects satisfy these interfaces.
 */
export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  /** Older Chromium exposed the flag on the adapter itself. */
  isFallbackAdapter?: boolean;
}

export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

export interface GpuDeviceLostInfo {
  reason: string;
  message: string;
}

export interface GpuDeviceLike {
  lost: Promise<GpuDeviceLostInfo>;
}

export interface BackendDecision {
  choice: BackendChoice;
  /** The granted adapter, to hand to onnxruntime-web so it builds its device from the one we probed. */
  adapter?: GpuAdapterLike;
}

/** The WebGPU entry point of this context, if any (window and workers alike). */
export function platformGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? undefined;
}

export function summariseAdapter(adapter: GpuAdapterLike): GpuAdapterSummary {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
}

function describeAdapter(summary: GpuAdapterSummary): string {
  const name = [summary.vendor, summary.architecture, summary.description || summary.device]
    .filter((part) => part.length > 0)
    .join(' ');
  const kind = summary.isFallbackAdapter ? 'fallback (software) adapter' : 'hardware adapter';
  return `${name || 'unnamed adapter'}, ${kind}`;
}

/**
 * WebGPU when the platform grants a hardware adapter, else WASM; the reason is always stated. Under 'auto' a
 * software (fallback) adapter counts as none; a preference for WebGPU takes it. A preference for WASM skips
 * the probe; a preference for WebGPU that cannot be met still ends on WASM, saying why.
 */
export async function chooseBackend(
  preference: BackendPreference,
  gpu: GpuLike | undefined = platformGpu(),
): Promise<BackendDecision> {
  if (preference === 'wasm') {
    return { choice: { backend: 'wasm', reasonCode: 'user-preference', reason: 'WASM chosen by preference' } };
  }
  const asked = preference === 'webgpu' ? 'WebGPU was requested, but ' : '';
  if (!gpu) {
    return {
      choice: {
        backend: 'wasm',
        reasonCode: 'no-navigator-gpu',
        reason: `${asked}navigator.gpu is missing (no WebGPU in this browser or context): running on WASM`,
      },
    };
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      choice: { backend: 'wasm', reasonCode: 'no-adapter', reason: `${asked}requestAdapter() failed (${detail}): running on WASM` },
    };
  }
  if (!adapter) {
    return {
      choice: { backend: 'wasm', reasonCode: 'no-adapter', reason: `${asked}no WebGPU adapter was granted: running on WASM` },
    };
  }
  const summary = summariseAdapter(adapter);
  if (preference === 'auto' && summary.isFallbackAdapter) {
    // A software adapter (SwiftShader) is 100-300x slower than WASM for these graphs; only an explicit
    // preference uses it.
    return {
      choice: {
        backend: 'wasm',
        reasonCode: 'software-adapter',
        reason: `only a software WebGPU adapter was granted (${describeAdapter(summary)}), which is slower than WASM: running on WASM (choose WebGPU in Settings to use it anyway)`,
        adapter: summary,
      },
    };
  }
  return {
    choice: {
      backend: 'webgpu',
      reasonCode: 'adapter-granted',
      reason: `WebGPU adapter granted (${describeAdapter(summary)})`,
      adapter: summary,
    },
    adapter,
  };
}

/** The choice after WebGPU failed at run time (session creation refused, device lost): WASM, keeping the adapter info. */
export function fallBackToWasm(
  previous: BackendChoice,
  reasonCode: 'session-failed' | 'device-lost',
  detail: string,
): BackendChoice {
  const what = reasonCode === 'device-lost' ? 'the WebGPU device was lost' : 'WebGPU session creation failed';
  const choice: BackendChoice = { backend: 'wasm', reasonCode, reason: `${what} (${detail}): fell back to WASM` };
  if (previous.adapter) choice.adapter = previous.adapter;
  return choice;
}

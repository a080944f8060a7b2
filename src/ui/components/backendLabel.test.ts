import { describe, expect, it } from 'vitest';
import { backendLabel } from './backendLabel.ts';
import { wasmThreads } from '../../engine/ort-browser-env.ts';

describe('backendLabel', () => {
  it('names the backend and, on WASM, its threads', () => {
    expect(backendLabel({ backend: 'webgpu', wasmThreads: 2 })).toBe('WebGPU');
    expect(backendLabel({ backend: 'wasm' })).toBe('WASM');
    expect(backendLabel({ backend: 'wasm', wasmThreads: 1 })).toBe('WASM, 1 thread');
    expect(backendLabel({ backend: 'wasm', wasmThreads: 4 })).toBe('WASM, 4 threads');
  });
});

describe('wasmThreads', () => {
  it('gives every core up to four, and one where the count is unknown', () => {
    expect([undefined, 1, 2, 3, 8, 64].map(wasmThreads)).toEqual([1, 1, 2, 3, 4, 4]);
  });
});

import { describe, expect, it } from 'vitest';
import { chooseBackend, fallBackToWasm, type GpuAdapterLike, type GpuLike } from './backend.ts';

const swiftShader: GpuAdapterLike = {
  info: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device', isFallbackAdapter: true },
};
const granting = (adapter: GpuAdapterLike | null): GpuLike => ({ requestAdapter: async () => adapter });

describe('chooseBackend', () => {
  it('takes WebGPU when an adapter is granted and WebGPU is wanted, and describes it', async () => {
    const { choice, adapter } = await chooseBackend('webgpu', granting(swiftShader));
    expect(choice.backend).toBe('webgpu');
    expect(choice.reasonCode).toBe('adapter-granted');
    expect(choice.reason).toContain('swiftshader');
    expect(choice.reason).toContain('fallback (software) adapter');
    expect(choice.adapter?.isFallbackAdapter).toBe(true);
    expect(adapter).toBe(swiftShader);
  });

  it('falls back to WASM with the reason when WebGPU is missing, refused or not wanted', async () => {
    expect((await chooseBackend('auto', undefined)).choice).toMatchObject({ backend: 'wasm', reasonCode: 'no-navigator-gpu' });
    expect((await chooseBackend('auto', granting(null))).choice).toMatchObject({ backend: 'wasm', reasonCode: 'no-adapter' });
    const throwing: GpuLike = {
      requestAdapter: async () => {
        throw new Error('blocked');
      },
    };
    const refused = (await chooseBackend('webgpu', throwing)).choice;
    expect(refused).toMatchObject({ backend: 'wasm', reasonCode: 'no-adapter' });
    expect(refused.reason).toMatch(/WebGPU was requested.*blocked/);
    const preferred = await chooseBackend('wasm', granting(swiftShader));
    expect(preferred.choice).toMatchObject({ backend: 'wasm', reasonCode: 'user-preference' });
    expect(preferred.adapter).toBeUndefined();
  });

  it('under auto, prefers WASM to a software adapter and says so; takes a hardware adapter', async () => {
    const software = await chooseBackend('auto', granting(swiftShader));
    expect(software.choice).toMatchObject({ backend: 'wasm', reasonCode: 'software-adapter' });
    expect(software.choice.reason).toContain('slower than WASM');
    expect(software.choice.adapter?.isFallbackAdapter).toBe(true);
    const hardware: GpuAdapterLike = { info: { vendor: 'acme', architecture: 'rdna', device: '', description: 'GPU', isFallbackAdapter: false } };
    const granted = await chooseBackend('auto', granting(hardware));
    expect(granted.choice).toMatchObject({ backend: 'webgpu', reasonCode: 'adapter-granted' });
    expect(granted.adapter).toBe(hardware);
  });

  it('keeps the adapter facts when WebGPU fails later', async () => {
    const { choice } = await chooseBackend('webgpu', granting(swiftShader));
    const lost = fallBackToWasm(choice, 'device-lost', 'GPU process crashed');
    expect(lost).toMatchObject({ backend: 'wasm', reasonCode: 'device-lost' });
    expect(lost.reason).toContain('GPU process crashed');
    expect(lost.adapter).toEqual(choice.adapter);
  });
});

import type { BackendCandidate } from '../../protocol/engine-api.ts';

type AdapterDescription = NonNullable<BackendCandidate['adapter']>;

/** Names of software rasterisers that expose a WebGPU adapter without a GPU. */
const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

/**
 * Ask for a WebGPU adapter and say what it is. A software adapter (SwiftShader on a
 * GPU-less machine) works but is an emulator: the engine still measures it, and the
 * report says so, so nobody mistakes its timings for a GPU's.
 */
export async function describeWebGpuAdapter(): Promise<{ adapter: AdapterDescription } | { problem: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { problem: 'navigator.gpu is not available (browser without WebGPU, or not a secure context)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { problem: `requestAdapter failed: ${(error as Error).message}` };
  }
  if (!adapter) return { problem: 'no WebGPU adapter (GPU blocklisted or WebGPU disabled)' };
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const fallbackFlag = Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return {
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      software: fallbackFlag || SOFTWARE_ADAPTERS.test(text),
    },
  };
}

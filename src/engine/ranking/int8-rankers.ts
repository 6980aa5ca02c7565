/**
 * The int8 ranking kernels by name: `js` (the exact reference), `wasm-simd`, `webgpu`. Each is made
 * on first use; one that cannot start here says why instead of throwing.
 */
import type { Int8Ranker } from './int8-matrix.ts';
import { referenceInt8Ranker } from './rank-int8-reference.ts';
import { wasmInt8Ranker, wasmSimdAvailable } from './wasm/rank-int8-wasm.ts';
import { WebGpuInt8Ranker } from './webgpu/rank-int8-webgpu.ts';

export const INT8_RANKER_NAMES = ['webgpu', 'wasm-simd', 'js'] as const;
export type Int8RankerName = (typeof INT8_RANKER_NAMES)[number];

let webgpu: Promise<WebGpuInt8Ranker> | undefined;

export async function int8Ranker(name: Int8RankerName): Promise<Int8Ranker | { problem: string }> {
  if (name === 'js') return referenceInt8Ranker;
  if (name === 'wasm-simd') return wasmSimdAvailable() ? wasmInt8Ranker : { problem: 'this browser has no WebAssembly SIMD' };
  webgpu ??= WebGpuInt8Ranker.create();
  try {
    return await webgpu;
  } catch (error) {
    webgpu = undefined;
    return { problem: (error as Error).message };
  }
}

export function isInt8RankerName(value: unknown): value is Int8RankerName {
  return (INT8_RANKER_NAMES as readonly unknown[]).includes(value);
}

/**
 * The WebGPU int8 ranker: the WGSL kernel (rank-int8-wgsl.ts) scores every row on the GPU from its
 * int8 codes and returns each workgroup's best candidates by upper bound; the CPU merges them and
 * re-scores a shortlist exactly (exact-shortlist.ts), so the result is `rankInt8Reference`'s, ties
 * included. When the bound cannot be proven (more than 64 strong rows in one workgroup, k beyond
 * what the candidates cover) the exact reference answers instead.
 *
 * It runs on its own GPUDevice (not tfjs's), asked with the adapter's largest storage-buffer
 * limits so a million 256-d rows (256 MB) fit. Matrices are uploaded once and kept per matrix.
 */
import type { Int8Matrix, Int8Ranker, RankedRows } from '../int8-matrix.ts';
import { rankInt8Reference } from '../rank-int8-reference.ts';
import {
  exactTopOfRows,
  type KernelPathCounts,
  maxAbsOf,
  quantizationSlack,
  quantizeQuery,
  roundingSlack,
  shortlistHolds,
  toRankedRows,
} from '../exact-shortlist.ts';
import { GROUP_TOP, NO_KEY, RANK_INT8_WGSL, ROWS_PER_GROUP } from './rank-int8-wgsl.ts';

const I32_MAX = 2147483647;

interface GpuMatrix {
  codes: GPUBuffer;
  scales: GPUBuffer;
  query: GPUBuffer;
  mask: GPUBuffer;
  params: GPUBuffer;
  keys: GPUBuffer;
  rows: GPUBuffer;
  cutoffs: GPUBuffer;
  readback: GPUBuffer;
  groups: number;
  rowWords: number;
  maxScale: number;
  bindGroup: GPUBindGroup;
}

export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  software: boolean;
}

const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

export class WebGpuInt8Ranker implements Int8Ranker {
  readonly name = 'webgpu';
  /** Calls answered from the GPU's candidates vs by the exact reference. */
  readonly pathCounts: KernelPathCounts = { shortlist: 0, reference: 0 };
  private readonly matrices = new WeakMap<Int8Array, GpuMatrix>();
  private readonly pipeline: GPUComputePipeline;
  private lost: string | undefined;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: WebGpuAdapterInfo,
  ) {
    this.pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: RANK_INT8_WGSL }), entryPoint: 'main' },
    });
    void device.lost.then((info) => {
      this.lost = `${info.reason}: ${info.message || 'no message'}`;
    });
  }

  /** A ranker on this browser's WebGPU adapter; rejects (with why) where there is none. */
  static async create(): Promise<WebGpuInt8Ranker> {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) throw new Error('navigator.gpu is not available (browser without WebGPU, or not a secure context)');
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('no WebGPU adapter');
    const device = await adapter.requestDevice({
      requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
    });
    const info = adapter.info;
    const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
    const software = Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter) || SOFTWARE_ADAPTERS.test(text);
    return new WebGpuInt8Ranker(device, { vendor: info.vendor, architecture: info.architecture, description: info.description, software });
  }

  async rank(matrix: Int8Matrix, query: Float32Array, k: number, mask?: Uint8Array): Promise<RankedRows> {
    const { count, dims } = matrix;
    if (query.length !== dims) throw new RangeError(`query has ${query.length} dims, the matrix has ${dims}`);
    if (mask && mask.length !== count) throw new RangeError(`mask has ${mask.length} entries, the matrix has ${count} rows`);
    if (this.lost) throw new Error(`the WebGPU device was lost (${this.lost})`);
    const limit = Math.max(0, Math.min(Math.floor(k), count));
    const maxAbs = maxAbsOf(query);
    if (limit === 0 || !(maxAbs > 0 && maxAbs < Infinity) || limit > GROUP_TOP / 2) return this.reference(matrix, query, k, mask);

    const gpu = this.upload(matrix);
    const qmax = Math.min(32767, Math.floor(I32_MAX / (127 * gpu.rowWords * 4)));
    const q = new Int32Array(gpu.rowWords * 4);
    const step = quantizeQuery(query, maxAbs, qmax, q);
    const { queue } = this.device;
    queue.writeBuffer(gpu.query, 0, q);
    if (mask) {
      const padded = new Uint8Array(Math.ceil(count / 4) * 4);
      padded.set(mask);
      queue.writeBuffer(gpu.mask, 0, padded);
    }
    const params = new ArrayBuffer(16);
    new Uint32Array(params, 0, 3).set([count, gpu.rowWords, mask ? 1 : 0]);
    new Float32Array(params, 12, 1)[0] = quantizationSlack(dims);
    queue.writeBuffer(gpu.params, 0, params);

    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, gpu.bindGroup);
    pass.dispatchWorkgroups(gpu.groups);
    pass.end();
    const candidateBytes = gpu.groups * GROUP_TOP * 4;
    encoder.copyBufferToBuffer(gpu.keys, 0, gpu.readback, 0, candidateBytes);
    encoder.copyBufferToBuffer(gpu.rows, 0, gpu.readback, candidateBytes, candidateBytes);
    encoder.copyBufferToBuffer(gpu.cutoffs, 0, gpu.readback, 2 * candidateBytes, gpu.groups * 4);
    queue.submit([encoder.finish()]);
    await gpu.readback.mapAsync(GPUMapMode.READ);
    const data = gpu.readback.getMappedRange().slice(0);
    gpu.readback.unmap();

    const keys = new Float32Array(data, 0, gpu.groups * GROUP_TOP);
    const rows = new Uint32Array(data, candidateBytes, gpu.groups * GROUP_TOP);
    const cutoffs = new Float32Array(data, 2 * candidateBytes, gpu.groups);
    let cut: number = NO_KEY;
    for (const c of cutoffs) cut = Math.max(cut, c);
    const candidates: number[] = [];
    for (let i = 0; i < keys.length; i++) if (keys[i]! > NO_KEY / 2) candidates.push(i);
    candidates.sort((a, b) => keys[b]! - keys[a]!);
    const rounding = roundingSlack(dims, gpu.maxScale, maxAbs);
    // GPU float32 keys: allow a relative error of 1e-5 on each.
    const boundOf = (key: number) => (key <= NO_KEY / 2 ? -Infinity : (key + Math.abs(key) * 1e-5) * step + rounding);
    for (let take = limit + 32; ; take *= 8) {
      const shortlist = Int32Array.from(candidates.slice(0, take), (i) => rows[i]!);
      const top = exactTopOfRows(matrix, query, shortlist, limit);
      const nextKey = take < candidates.length ? keys[candidates[take]!]! : NO_KEY;
      const bound = Math.max(boundOf(cut), boundOf(nextKey));
      if (bound === -Infinity || shortlistHolds(top, limit, bound)) {
        this.pathCounts.shortlist++;
        return toRankedRows(top);
      }
      if (take >= candidates.length) return this.reference(matrix, query, k, mask);
    }
  }

  private reference(matrix: Int8Matrix, query: Float32Array, k: number, mask?: Uint8Array): RankedRows {
    this.pathCounts.reference++;
    return rankInt8Reference(matrix, query, k, mask);
  }

  /** Drop a matrix's GPU buffers now (they also go with the device). */
  release(matrix: Int8Matrix): void {
    const gpu = this.matrices.get(matrix.codes);
    if (!gpu) return;
    for (const buffer of [gpu.codes, gpu.scales, gpu.query, gpu.mask, gpu.params, gpu.keys, gpu.rows, gpu.cutoffs, gpu.readback]) buffer.destroy();
    this.matrices.delete(matrix.codes);
  }

  destroy(): void {
    this.device.destroy();
  }

  private upload(matrix: Int8Matrix): GpuMatrix {
    const known = this.matrices.get(matrix.codes);
    if (known) return known;
    const { count, dims } = matrix;
    const rowWords = Math.ceil(dims / 4);
    const limit = this.device.limits.maxStorageBufferBindingSize;
    const codeBytes = Math.max(4, count * rowWords * 4);
    if (codeBytes > limit) throw new RangeError(`int8 matrix of ${codeBytes} bytes exceeds this GPU's storage buffer limit of ${limit}`);
    const storage = (size: number, extra = 0) =>
      this.device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extra });
    const codes = storage(codeBytes);
    // Rows padded to whole u32 words (zeros add nothing to a dot product).
    if (dims % 4 === 0) this.device.queue.writeBuffer(codes, 0, matrix.codes.buffer, matrix.codes.byteOffset, count * dims);
    else {
      const padded = new Int8Array(count * rowWords * 4);
      for (let r = 0; r < count; r++) padded.set(matrix.codes.subarray(r * dims, (r + 1) * dims), r * rowWords * 4);
      this.device.queue.writeBuffer(codes, 0, padded);
    }
    const scales = storage(count * 4);
    this.device.queue.writeBuffer(scales, 0, matrix.scales.buffer, matrix.scales.byteOffset, count * 4);
    let maxScale = 0;
    for (const s of matrix.scales) maxScale = Math.max(maxScale, Math.abs(s));
    const groups = Math.max(1, Math.ceil(count / ROWS_PER_GROUP));
    const query = storage(rowWords * 16);
    const mask = storage(Math.ceil(count / 4) * 4);
    const params = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const keys = storage(groups * GROUP_TOP * 4, GPUBufferUsage.COPY_SRC);
    const rows = storage(groups * GROUP_TOP * 4, GPUBufferUsage.COPY_SRC);
    const cutoffs = storage(groups * 4, GPUBufferUsage.COPY_SRC);
    const readback = this.device.createBuffer({
      size: Math.ceil((2 * groups * GROUP_TOP * 4 + groups * 4) / 4) * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const bindGroup = this.device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [codes, scales, query, mask, params, keys, rows, cutoffs].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const gpu: GpuMatrix = { codes, scales, query, mask, params, keys, rows, cutoffs, readback, groups, rowWords, maxScale, bindGroup };
    this.matrices.set(matrix.codes, gpu);
    return gpu;
  }
}

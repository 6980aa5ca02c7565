/**
 * WGSL of the WebGPU int8 ranking kernel (rank-int8-webgpu.ts). One workgroup of 256 invocations
 * takes 4096 rows: each invocation scores 16 of them (int8 codes unpacked from u32 words, times the
 * int16-quantised query, exact i32 sums; key = scale × (dot + slack), an upper bound on the exact
 * score in units of the query's step) and keeps its best 4 in registers; the workgroup then sorts
 * the 1024 survivors in shared memory (bitonic) and writes its best M with a cutoff: the largest key
 * of any row it did not write, which bounds every row it left out.
 */
export const WG_SIZE = 256;
export const ROWS_PER_INVOCATION = 16;
export const ROWS_PER_GROUP = WG_SIZE * ROWS_PER_INVOCATION;
/** Candidates each workgroup writes. */
export const GROUP_TOP = 64;
/** Keys of masked rows and empty slots; anything below NO_KEY / 2 is not a row. */
export const NO_KEY = -3.0e38;

export const RANK_INT8_WGSL = /* wgsl */ `
struct Params { count: u32, rowWords: u32, useMask: u32, slack: f32 }

@group(0) @binding(0) var<storage, read> codes: array<u32>;
@group(0) @binding(1) var<storage, read> scales: array<f32>;
@group(0) @binding(2) var<storage, read> query: array<i32>;
@group(0) @binding(3) var<storage, read> mask: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;
@group(0) @binding(5) var<storage, read_write> outKeys: array<f32>;
@group(0) @binding(6) var<storage, read_write> outRows: array<u32>;
@group(0) @binding(7) var<storage, read_write> cutoffs: array<f32>;

const WG: u32 = ${WG_SIZE}u;
const RPT: u32 = ${ROWS_PER_INVOCATION}u;
const T: u32 = 4u;
const N: u32 = ${WG_SIZE * 4}u;
const M: u32 = ${GROUP_TOP}u;
const NO_KEY: f32 = ${NO_KEY};

var<workgroup> sKeys: array<f32, N>;
var<workgroup> sRows: array<u32, N>;
var<workgroup> sDrop: array<f32, WG>;

fn code(word: u32, b: u32) -> i32 {
  return bitcast<i32>(word << (24u - 8u * b)) >> 24u;
}

@compute @workgroup_size(${WG_SIZE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = wid.x * WG * RPT;
  var bestK = array<f32, 4>(NO_KEY, NO_KEY, NO_KEY, NO_KEY);
  var bestR = array<u32, 4>(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu);
  var dropped = NO_KEY;
  for (var i = 0u; i < RPT; i++) {
    let row = start + i * WG + lid;
    if (row >= params.count) { break; }
    if (params.useMask != 0u && ((mask[row >> 2u] >> ((row & 3u) * 8u)) & 0xffu) == 0u) { continue; }
    var dot = 0i;
    let base = row * params.rowWords;
    for (var w = 0u; w < params.rowWords; w++) {
      let word = codes[base + w];
      let q = w * 4u;
      dot += code(word, 0u) * query[q] + code(word, 1u) * query[q + 1u] + code(word, 2u) * query[q + 2u] + code(word, 3u) * query[q + 3u];
    }
    let key = scales[row] * (f32(dot) + params.slack);
    if (key > bestK[3]) {
      dropped = max(dropped, bestK[3]);
      var p = 3u;
      while (p > 0u && bestK[p - 1u] < key) {
        bestK[p] = bestK[p - 1u];
        bestR[p] = bestR[p - 1u];
        p--;
      }
      bestK[p] = key;
      bestR[p] = row;
    } else {
      dropped = max(dropped, key);
    }
  }
  for (var t = 0u; t < T; t++) {
    sKeys[lid * T + t] = bestK[t];
    sRows[lid * T + t] = bestR[t];
  }
  sDrop[lid] = dropped;
  workgroupBarrier();
  // Bitonic sort of the N survivors, largest key first; each invocation swaps two pairs per step.
  for (var size = 2u; size <= N; size <<= 1u) {
    for (var stride = size >> 1u; stride > 0u; stride >>= 1u) {
      for (var j = 0u; j < 2u; j++) {
        let p = lid + j * WG;
        let a = 2u * stride * (p / stride) + (p % stride);
        let b = a + stride;
        let descending = (a & size) == 0u;
        let ka = sKeys[a];
        let kb = sKeys[b];
        if ((ka < kb) == descending) {
          sKeys[a] = kb;
          sKeys[b] = ka;
          let r = sRows[a];
          sRows[a] = sRows[b];
          sRows[b] = r;
        }
      }
      workgroupBarrier();
    }
  }
  if (lid < M) {
    outKeys[wid.x * M + lid] = sKeys[lid];
    outRows[wid.x * M + lid] = sRows[lid];
  }
  if (lid == 0u) {
    var cut = sKeys[M];
    for (var t = 0u; t < WG; t++) { cut = max(cut, sDrop[t]); }
    cutoffs[wid.x] = cut;
  }
}
`;

// AssemblyScript source of the WASM SIMD int8 ranking kernel (compiled by scripts/build-kernels.mjs
// with `asc --enable simd`; see docs/backends.md for why AssemblyScript).
//
// One call scans `count` rows of int8 codes (row-major, `dims` per row) against a query that the
// caller quantised to int16 (`query`), and keeps the `m` rows with the largest upper bound
//   key(r) = scale(r) × (Σ code(r, j) × Q(j) + slack)
// in a min-heap (keys f64, rows i32). The caller multiplies keys by the query's quantisation step
// and re-scores the heap's rows exactly; the heap's smallest key bounds every row left out, which is
// what makes the final top-k exact (rank-int8-wasm.ts).
//
// Memory (imported, laid out by the caller): the matrix exactly as a catalog's int8 file body
// ([count × f32 scale][count × dims × i8]) at `scales`/`codes`, then the query, the mask and the heap.
// The integer dot product is exact: i8 × i16 products summed in i32 lanes (the caller keeps
// dims / 4 × 127 × max|Q| below 2^31), lanes summed in f64.

let heapKeys: usize = 0;
let heapRows: usize = 0;
let heapSize: i32 = 0;
let heapCap: i32 = 0;

@inline function keyAt(i: i32): f64 {
  return load<f64>(heapKeys + (<usize>i << 3));
}
@inline function rowAt(i: i32): i32 {
  return load<i32>(heapRows + (<usize>i << 2));
}
@inline function put(i: i32, key: f64, row: i32): void {
  store<f64>(heapKeys + (<usize>i << 3), key);
  store<i32>(heapRows + (<usize>i << 2), row);
}

/** A row's key enters the min-heap when the heap has room or the key beats its smallest. */
@inline function offer(key: f64, row: i32): void {
  if (heapSize < heapCap) {
    let i = heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keyAt(parent);
      if (pk <= key) break;
      put(i, pk, rowAt(parent));
      i = parent;
    }
    put(i, key, row);
  } else if (key > keyAt(0)) {
    let i = 0;
    const n = heapSize;
    while (true) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let ck = keyAt(l);
      const r = l + 1;
      if (r < n) {
        const rk = keyAt(r);
        if (rk < ck) {
          c = r;
          ck = rk;
        }
      }
      if (ck >= key) break;
      put(i, ck, rowAt(c));
      i = c;
    }
    put(i, key, row);
  }
}

@inline function hsum(v: v128): f64 {
  return <f64>i32x4.extract_lane(v, 0) + <f64>i32x4.extract_lane(v, 1) + <f64>i32x4.extract_lane(v, 2) + <f64>i32x4.extract_lane(v, 3);
}

/** The scalar part of a row past the last whole 16 codes. */
@inline function tail(codes: usize, query: usize, from: i32, dims: i32): f64 {
  let sum: i32 = 0;
  for (let j = from; j < dims; j++) sum += <i32>load<i8>(codes + <usize>j) * <i32>load<i16>(query + (<usize>j << 1));
  return <f64>sum;
}

/**
 * Scan every row, keep the best `m` keys. `mask` = 0: every row; else one byte per row, 0 = skip.
 * Returns how many rows the heap holds (≤ m).
 */
export function rank(scales: usize, codes: usize, count: i32, dims: i32, query: usize, mask: usize, m: i32, keys: usize, rows: usize, slack: f64): i32 {
  heapKeys = keys;
  heapRows = rows;
  heapSize = 0;
  heapCap = m;
  if (m <= 0) return 0;
  const whole = dims & ~15;
  const stride = <usize>dims;
  let r = 0;
  // Four rows at a time: each 16-code slice of the query is loaded once for four rows.
  for (; r + 4 <= count; r += 4) {
    const base0 = codes + <usize>r * stride;
    const base1 = base0 + stride;
    const base2 = base1 + stride;
    const base3 = base2 + stride;
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let a2 = i32x4.splat(0);
    let a3 = i32x4.splat(0);
    for (let j = 0; j < whole; j += 16) {
      const qlo = v128.load(query + (<usize>j << 1));
      const qhi = v128.load(query + (<usize>j << 1) + 16);
      const c0 = v128.load(base0 + <usize>j);
      const c1 = v128.load(base1 + <usize>j);
      const c2 = v128.load(base2 + <usize>j);
      const c3 = v128.load(base3 + <usize>j);
      a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c0), qlo), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c0), qhi)));
      a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c1), qlo), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c1), qhi)));
      a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c2), qlo), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c2), qhi)));
      a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c3), qlo), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c3), qhi)));
    }
    let d0 = hsum(a0);
    let d1 = hsum(a1);
    let d2 = hsum(a2);
    let d3 = hsum(a3);
    if (whole < dims) {
      d0 += tail(base0, query, whole, dims);
      d1 += tail(base1, query, whole, dims);
      d2 += tail(base2, query, whole, dims);
      d3 += tail(base3, query, whole, dims);
    }
    const s = scales + (<usize>r << 2);
    if (mask == 0) {
      offer(<f64>load<f32>(s) * (d0 + slack), r);
      offer(<f64>load<f32>(s + 4) * (d1 + slack), r + 1);
      offer(<f64>load<f32>(s + 8) * (d2 + slack), r + 2);
      offer(<f64>load<f32>(s + 12) * (d3 + slack), r + 3);
    } else {
      const mk = mask + <usize>r;
      if (load<u8>(mk) != 0) offer(<f64>load<f32>(s) * (d0 + slack), r);
      if (load<u8>(mk + 1) != 0) offer(<f64>load<f32>(s + 4) * (d1 + slack), r + 1);
      if (load<u8>(mk + 2) != 0) offer(<f64>load<f32>(s + 8) * (d2 + slack), r + 2);
      if (load<u8>(mk + 3) != 0) offer(<f64>load<f32>(s + 12) * (d3 + slack), r + 3);
    }
  }
  for (; r < count; r++) {
    if (mask != 0 && load<u8>(mask + <usize>r) == 0) continue;
    const base = codes + <usize>r * stride;
    let a = i32x4.splat(0);
    for (let j = 0; j < whole; j += 16) {
      const c = v128.load(base + <usize>j);
      a = i32x4.add(a, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(c), v128.load(query + (<usize>j << 1))), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(c), v128.load(query + (<usize>j << 1) + 16))));
    }
    let d = hsum(a);
    if (whole < dims) d += tail(base, query, whole, dims);
    offer(<f64>load<f32>(scales + (<usize>r << 2)) * (d + slack), r);
  }
  return heapSize;
}

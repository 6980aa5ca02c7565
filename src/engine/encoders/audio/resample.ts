/**
 * Deterministic band-limited resampling (Kaiser-windowed sinc, polyphase), pure TS, so the
 * browser worker and Node turn the same PCM into the same samples (no WebAudio
 * OfflineAudioContext, whose resampler differs between browsers).
 *
 * Output sample k sits at input time t = k * from / to. With g = gcd(from, to), L = to / g
 * phases and M = from / g, t = (k*M div L) + (k*M mod L) / L exactly (integer arithmetic).
 * The kernel is h(x) = 2fc sinc(2fc x) * kaiser(x / halfWidth), x in input samples, with
 * fc = 0.5 * CUTOFF * min(1, to/from) (anti-aliasing when downsampling) and
 * halfWidth = ZERO_CROSSINGS / min(1, to/from). Each phase's taps are normalised to sum 1
 * (unity DC gain). Samples outside the input are zeros. Accumulation is in float64.
 *
 * When L <= MAX_TABLE_PHASES (all common rate pairs: 44100/48000/32000/16000/8000/11025/
 * 96000 → 22050) the taps are tabulated per phase; otherwise they are computed per output
 * sample (slower, same formula).
 */

export const RESAMPLE_ZERO_CROSSINGS = 16;
/** Passband edge as a fraction of the lower Nyquist frequency. */
export const RESAMPLE_CUTOFF = 0.95;
export const RESAMPLE_KAISER_BETA = 8.6;
const MAX_TABLE_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

interface Kernel {
  /** Taps per output sample. */
  taps: number;
  /** Offset of the first tap relative to floor(t). */
  first: number;
  fc: number;
  halfWidth: number;
  i0Beta: number;
}

function makeKernel(from: number, to: number): Kernel {
  const scale = Math.min(1, to / from);
  const halfWidth = RESAMPLE_ZERO_CROSSINGS / scale;
  const reach = Math.ceil(halfWidth);
  return { taps: 2 * reach, first: -reach + 1, fc: 0.5 * RESAMPLE_CUTOFF * scale, halfWidth, i0Beta: besselI0(RESAMPLE_KAISER_BETA) };
}

/** Taps for fractional position `frac` in [0, 1), normalised to sum 1, written to out. */
function fillTaps(kernel: Kernel, frac: number, out: Float64Array, offset: number): void {
  let sum = 0;
  for (let j = 0; j < kernel.taps; j++) {
    const x = kernel.first + j - frac;
    const r = x / kernel.halfWidth;
    let h = 0;
    if (r > -1 && r < 1) {
      const arg = 2 * kernel.fc * x;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const window = besselI0(RESAMPLE_KAISER_BETA * Math.sqrt(1 - r * r)) / kernel.i0Beta;
      h = 2 * kernel.fc * sinc * window;
    }
    out[offset + j] = h;
    sum += h;
  }
  if (sum !== 0) for (let j = 0; j < kernel.taps; j++) out[offset + j]! /= sum;
}

const tableCache = new Map<string, Float64Array>();

function phaseTable(from: number, to: number, phases: number, kernel: Kernel): Float64Array {
  const key = `${from}>${to}`;
  let table = tableCache.get(key);
  if (!table) {
    table = new Float64Array(phases * kernel.taps);
    for (let p = 0; p < phases; p++) fillTaps(kernel, p / phases, table, p * kernel.taps);
    if (tableCache.size > 16) tableCache.clear();
    tableCache.set(key, table);
  }
  return table;
}

/** Number of output samples for `length` input samples: ceil(length * to / from). */
export function resampledLength(length: number, from: number, to: number): number {
  const g = gcd(from, to);
  const L = to / g;
  const M = from / g;
  return Math.ceil((length * L) / M);
}

/**
 * Resamples mono `input` from `fromRate` to `toRate` (positive integers, Hz).
 * Returns a copy when the rates are equal.
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new RangeError(`resample: rates must be positive integers (got ${fromRate} → ${toRate})`);
  }
  if (fromRate === toRate) return input.slice();
  const g = gcd(fromRate, toRate);
  const L = toRate / g;
  const M = fromRate / g;
  const n = input.length;
  const outLength = resampledLength(n, fromRate, toRate);
  const out = new Float32Array(outLength);
  const kernel = makeKernel(fromRate, toRate);
  const { taps, first } = kernel;
  const table = L <= MAX_TABLE_PHASES ? phaseTable(fromRate, toRate, L, kernel) : undefined;
  const scratch = table ? undefined : new Float64Array(taps);

  for (let k = 0; k < outLength; k++) {
    // k*M fits comfortably in a double's integer range for any realistic length.
    const pos = k * M;
    const base = Math.floor(pos / L);
    const phase = pos - base * L;
    let coeffs: Float64Array;
    let c0: number;
    if (table) {
      coeffs = table;
      c0 = phase * taps;
    } else {
      fillTaps(kernel, phase / L, scratch!, 0);
      coeffs = scratch!;
      c0 = 0;
    }
    const start = base + first;
    const jFrom = Math.max(0, -start);
    const jTo = Math.min(taps, n - start);
    let acc = 0;
    for (let j = jFrom; j < jTo; j++) acc += coeffs[c0 + j]! * input[start + j]!;
    out[k] = acc;
  }
  return out;
}

/**
 * The machine's sequential memory read bandwidth, measured here and now: scanning a buffer
 * for a byte it does not contain is a memchr over every byte, which runs at memory speed.
 * It gives the floor for a ranking pass: bytes of item vectors ÷ this bandwidth.
 */
export function measureReadBandwidth(bytes = 512 * 1024 * 1024, runs = 5): { bytesPerSecond: number; bytes: number } {
  // Filled with a non-zero byte so every page is real memory (a zeroed allocation maps one shared zero page).
  const buffer = Buffer.alloc(bytes, 2);
  buffer.indexOf(1); // warm up before timing
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    if (buffer.indexOf(1) !== -1) throw new Error('unexpected byte in the scanned buffer');
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { bytesPerSecond: bytes / best, bytes };
}

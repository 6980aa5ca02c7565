import { describe, expect, it } from 'vitest';
import { rankInt8Reference } from '../../src/engine/ranking/rank-int8-reference.ts';
import { WebGpuInt8Ranker } from '../../src/engine/ranking/webgpu/rank-int8-webgpu.ts';
import { rankInt8Wasm } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { rankerCases } from '../int8-ranker-cases.ts';

// Real Chromium with --enable-unsafe-webgpu: on this GPU-less machine the adapter is SwiftShader
// (software), which runs the same WGSL as a GPU would; these tests check results, not speed.
describe('WebGPU int8 ranker (WGSL kernel)', () => {
  const ranker = WebGpuInt8Ranker.create();

  it('starts on this browser, and says whether its adapter is software', async () => {
    const r = await ranker;
    expect(typeof r.adapter.software).toBe('boolean');
  });

  for (const c of rankerCases()) {
    it(`gives the exact reference ranking: ${c.name}`, async () => {
      const expected = rankInt8Reference(c.matrix, c.query, c.k, c.mask);
      const before = (await ranker).pathCounts.shortlist;
      const got = await (await ranker).rank(c.matrix, c.query, c.k, c.mask);
      if (c.kernelAnswers) expect((await ranker).pathCounts.shortlist).toBe(before + 1);
      expect(Array.from(got.indices)).toEqual(Array.from(expected.indices));
      expect(Array.from(got.scores)).toEqual(Array.from(expected.scores));
    });
  }

  it('the WASM SIMD kernel gives the same rankings in Chromium', () => {
    for (const c of rankerCases()) {
      expect(Array.from(rankInt8Wasm(c.matrix, c.query, c.k, c.mask).indices), c.name).toEqual(
        Array.from(rankInt8Reference(c.matrix, c.query, c.k, c.mask).indices),
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/engine/backends/choose-backend.ts';
import type { BackendCandidate } from '../../src/protocol/engine-api.ts';

const measured: BackendCandidate[] = [
  {
    name: 'webgpu',
    available: true,
    correct: true,
    medianMs: 159,
    adapter: { vendor: 'google', architecture: 'swiftshader', description: '', software: true },
  },
  { name: 'webgl', available: true, correct: true, medianMs: 114 },
  { name: 'wasm', available: true, correct: true, medianMs: 29 },
  { name: 'cpu', available: true, correct: true, medianMs: 65 },
];

describe('chooseBackend', () => {
  it('picks the fastest correct backend and names every measurement in the reason', () => {
    const choice = chooseBackend(measured, undefined);
    expect(choice).toMatchObject({ backend: 'wasm', mode: 'measured', notices: [] });
    expect(choice.reason).toContain('webgpu 159.0 ms (software adapter: swiftshader)');
    expect(choice.reason).toContain('wasm 29.0 ms');
  });

  it('skips a faster backend whose ranking was wrong', () => {
    const wrongWasm = measured.map((c) => (c.name === 'wasm' ? { ...c, correct: false, problem: 'top-10 differs' } : c));
    expect(chooseBackend(wrongWasm, undefined).backend).toBe('cpu');
  });

  it('honours a usable override', () => {
    expect(chooseBackend(measured, 'webgl')).toMatchObject({ backend: 'webgl', mode: 'forced', notices: [] });
  });

  it('explains an unknown override and measures instead', () => {
    const choice = chooseBackend(measured, 'quantum');
    expect(choice.backend).toBe('wasm');
    expect(choice.notices[0]).toBe('Unknown backend "quantum": expected one of webgpu, webgl, wasm, cpu. Choosing by measurement instead.');
  });

  it('explains an override that cannot start here', () => {
    const noGpu = measured.map((c) => (c.name === 'webgpu' ? { name: c.name, available: false, problem: 'no WebGPU adapter' } : c));
    const choice = chooseBackend(noGpu, 'webgpu');
    expect(choice.backend).toBe('wasm');
    expect(choice.notices[0]).toContain('webgpu unavailable: no WebGPU adapter');
  });

  it('fails clearly when nothing works', () => {
    expect(() => chooseBackend([{ name: 'cpu', available: false, problem: 'broken' }], undefined)).toThrow(
      'No tfjs backend works in this browser: cpu unavailable: broken',
    );
  });
});

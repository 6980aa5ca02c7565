// The widget's remembered backend, on this browser's real localStorage: a returning shopper's
// engine asks for last week's measured winner instead of measuring all four backends again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendReport } from '../../../src/protocol/engine-api.ts';
import { rememberBackend, rememberedBackend } from '../../../src/widget/remembered-backend.ts';

const KEY = 'ondevice-recs:backend';
const DAY_MS = 24 * 3600 * 1000;
const report = (backend: BackendReport['backend'], mode: BackendReport['mode']): BackendReport => ({ backend, mode, reason: 'test', candidates: [], notices: [] });

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.removeItem(KEY);
});

describe('remembered backend', () => {
  it('is nothing before a measured start', () => {
    expect(rememberedBackend()).toBeUndefined();
  });

  it('keeps a measured winner, with when it was measured, and gives it back', () => {
    const before = Date.now();
    rememberBackend(report('wasm', 'measured'));
    const stored = JSON.parse(localStorage.getItem(KEY)!) as { backend: string; measuredAt: number };
    expect(stored.backend).toBe('wasm');
    expect(stored.measuredAt).toBeGreaterThanOrEqual(before);
    expect(rememberedBackend()).toBe('wasm');
  });

  it('keeps only measured choices, never a forced or a fallback one', () => {
    rememberBackend(report('webgpu', 'forced'));
    rememberBackend(report('cpu', 'fallback'));
    expect(localStorage.getItem(KEY)).toBeNull();
    rememberBackend(report('webgl', 'measured'));
    rememberBackend(report('cpu', 'fallback'));
    expect(rememberedBackend()).toBe('webgl');
  });

  it('measures again after a week', () => {
    localStorage.setItem(KEY, JSON.stringify({ backend: 'wasm', measuredAt: Date.now() - 6 * DAY_MS }));
    expect(rememberedBackend()).toBe('wasm');
    localStorage.setItem(KEY, JSON.stringify({ backend: 'wasm', measuredAt: Date.now() - 7 * DAY_MS - 1000 }));
    expect(rememberedBackend()).toBeUndefined();
  });

  it.each([
    ['not JSON', '{wasm'],
    ['an unknown backend', JSON.stringify({ backend: 'quantum', measuredAt: Date.now() })],
    ['no time', JSON.stringify({ backend: 'wasm' })],
    ['a time that is not a number', JSON.stringify({ backend: 'wasm', measuredAt: 'today' })],
    ['a bare value', '"wasm"'],
  ])('ignores a stored value that is %s (another script, an old version)', (_name, value) => {
    localStorage.setItem(KEY, value);
    expect(rememberedBackend()).toBeUndefined();
  });

  it('falls back to measuring when storage is blocked (privacy settings, sandboxed frames)', () => {
    // This browser's storage is allowed; a blocked one throws SecurityError on access, as here.
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    expect(rememberedBackend()).toBeUndefined();
    expect(() => rememberBackend(report('wasm', 'measured'))).not.toThrow();
  });
});

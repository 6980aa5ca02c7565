import type { LaunchOptions } from '@playwright/test';

/**
 * Debian's Chromium (Playwright cannot download its own browser here) with the flags from
 * shared/BROWSER.md: no background networking (the closed network refuses it), and
 * WebGPU enabled, which on a GPU-less machine gives the SwiftShader software adapter.
 * Fake media devices give the sound recorder a real (synthetic) microphone stream.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--enable-unsafe-webgpu',
      // A fake microphone (a beep) that needs no permission prompt, for the record-a-sound tests.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  };
}

import type { Plugin } from 'vite';

/**
 * Build only (`apply: 'build'`): writes `policy` into every HTML page Vite builds as the first
 * element of `<head>`, `<meta http-equiv="Content-Security-Policy">`, so the policy holds on
 * any static server (a meta policy governs only what comes after it, hence first). Not in dev:
 * Vite's dev server injects an inline client script that a strict policy would block.
 */
export function cspMetaPlugin(policy: string): Plugin {
  if (/["<>]/.test(policy)) throw new Error(`cspMetaPlugin: the policy must not contain ", < or >: ${policy}`);
  return {
    name: 'ondevice-recs-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
    },
  };
}

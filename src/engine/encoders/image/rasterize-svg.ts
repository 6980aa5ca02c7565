import { initWasm, Resvg } from '@resvg/resvg-wasm';
import type { RgbaImage } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';

/**
 * SVG → RGBA with resvg compiled to WebAssembly. The same code and the same
 * .wasm run in the browser worker and in Node, so both get identical pixels
 * (browsers' own SVG renderers differ from each other and from anything in Node).
 *
 * Where the .wasm comes from is the caller's business:
 * - browser: `<assetsBase>/resvg/index_bg.wasm`, served from our own origin
 *   (see `resvgWasmUrl`);
 * - Node: the bytes of node_modules/@resvg/resvg-wasm/index_bg.wasm.
 *
 * resvg-wasm can be initialised once per realm; `initSvgRasterizer` guards that
 * (later calls return the first call's promise, a failed call may be retried).
 *
 * Text in SVGs is not drawn: the wasm build has no system fonts and we load none
 * (same in both environments, so vectors still match).
 */

/** Longest side, in pixels, every SVG is rendered at (then prepare-image scales it to 224). */
export const SVG_RENDER_SIZE = 448;

/** Anything `initWasm` accepts: a URL (fetched), a Response, bytes, or a compiled module. */
export type ResvgWasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/** Where the integrator serves resvg's wasm file in the browser. */
export function resvgWasmUrl(assetsBase: string): string {
  return `${assetsBase.replace(/\/+$/, '')}/resvg/index_bg.wasm`;
}

let initPromise: Promise<void> | undefined;
let ready = false;

/** Initialises resvg-wasm once per realm; idempotent (later sources are ignored once it is ready or loading). */
export function initSvgRasterizer(source: ResvgWasmSource | Promise<ResvgWasmSource>): Promise<void> {
  if (!initPromise) {
    initPromise = (async () => {
      try {
        await initWasm((await source) as Parameters<typeof initWasm>[0]);
      } catch (error) {
        // Someone else in this realm initialised resvg-wasm already: that is fine.
        if (!(error instanceof Error && /already initialized/i.test(error.message))) throw error;
      }
      ready = true;
    })().catch((error: unknown) => {
      initPromise = undefined; // allow a retry (e.g. after a network failure)
      throw new Error(`Could not initialise the SVG rasteriser (resvg-wasm): ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return initPromise;
}

export function isSvgRasterizerReady(): boolean {
  return ready;
}

type ResvgInstance = InstanceType<typeof Resvg>;

function parse(svg: Uint8Array, label: string, options?: ConstructorParameters<typeof Resvg>[1]): ResvgInstance {
  try {
    return new Resvg(svg, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-image', `${label} is not a valid SVG (${reason})`);
  }
}

/**
 * Renders an SVG so that its longer side is `maxSide` pixels, on a transparent
 * background, and returns straight (not premultiplied) RGBA. Call
 * `initSvgRasterizer` first. Throws 'corrupt-image' for SVGs resvg cannot parse
 * or that have no area.
 */
export function rasterizeSvg(svg: Uint8Array, label = 'image', maxSide = SVG_RENDER_SIZE): RgbaImage {
  if (!ready) throw new Error('rasterizeSvg: call initSvgRasterizer(wasm) first');
  const probe = parse(svg, label);
  const naturalWidth = probe.width;
  const naturalHeight = probe.height;
  probe.free();
  if (!(naturalWidth > 0 && naturalHeight > 0)) {
    throw new EncoderInputError('corrupt-image', `${label} is an SVG with no area (${naturalWidth}x${naturalHeight})`);
  }
  const fitTo = naturalWidth >= naturalHeight ? ({ mode: 'width', value: maxSide } as const) : ({ mode: 'height', value: maxSide } as const);
  const resvg = parse(svg, label, { fitTo, font: { loadSystemFonts: false } });
  let rendered: ReturnType<ResvgInstance['render']> | undefined;
  try {
    rendered = resvg.render();
    const { width, height } = rendered;
    const premultiplied = rendered.pixels;
    if (!(width > 0 && height > 0) || premultiplied.length !== width * height * 4) {
      throw new EncoderInputError('corrupt-image', `${label}: SVG rendered to an empty image (${width}x${height})`);
    }
    return { width, height, data: unpremultiply(premultiplied) };
  } catch (error) {
    if (error instanceof EncoderInputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-image', `${label}: SVG could not be rendered (${reason})`);
  } finally {
    rendered?.free();
    resvg.free();
  }
}

/** resvg (tiny-skia) hands back premultiplied RGBA; RgbaImage is straight alpha like ImageData. */
function unpremultiply(src: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3]!;
    out[i + 3] = a;
    if (a === 255) {
      out[i] = src[i]!;
      out[i + 1] = src[i + 1]!;
      out[i + 2] = src[i + 2]!;
    } else if (a !== 0) {
      out[i] = Math.round((src[i]! * 255) / a);
      out[i + 1] = Math.round((src[i + 1]! * 255) / a);
      out[i + 2] = Math.round((src[i + 2]! * 255) / a);
    }
  }
  return out;
}

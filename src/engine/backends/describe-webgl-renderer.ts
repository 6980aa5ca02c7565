/** Names of software rasterisers behind a WebGL context when there is no GPU. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/**
 * The WebGL renderer this worker would get (an OffscreenCanvas context, as tfjs's WebGL backend
 * makes), and whether it is a software rasteriser. Cheap next to tfjs's own start-up and probe,
 * which the engine then skips at start for a software renderer (it is measured in the background).
 */
export function describeWebGlRenderer(): { renderer: string; software: boolean } | { problem: string } {
  try {
    if (typeof OffscreenCanvas === 'undefined') return { problem: 'OffscreenCanvas is not available here' };
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return { problem: 'no WebGL2 context' };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { renderer, software: SOFTWARE_RENDERERS.test(renderer) };
  } catch (error) {
    return { problem: `WebGL2 context failed: ${(error as Error).message}` };
  }
}

// voy-search 0.6.3 ships wasm-bindgen's "bundler" output: its JS glue imports the .wasm as an ES
// module, which neither a plain page nor Node can do. Instantiating the module ourselves with the
// glue as its import object and handing the exports back through __wbg_set_wasm is the same wiring
// a bundler's wasm plugin does.
import * as voyBindings from 'voy-search/voy_search_bg.js';

/** The slice of voy's `Voy` class the comparison uses (voy_search.d.ts). */
export type VoyClass = new (resource?: { embeddings: Array<{ id: string; title: string; url: string; embeddings: number[] }> }) => {
  add(resource: { embeddings: Array<{ id: string; title: string; url: string; embeddings: number[] }> }): void;
  search(query: Float32Array, k: number): { neighbors: Array<{ id: string }> };
  serialize(): string;
  size(): number;
  free(): void;
};

/** A ready voy-search from the bytes of voy_search_bg.wasm. */
export async function loadVoy(wasmBytes: BufferSource): Promise<{ Voy: VoyClass; memory: WebAssembly.Memory }> {
  const glue = voyBindings as unknown as { __wbg_set_wasm(exports: WebAssembly.Exports): void; Voy: VoyClass };
  const { instance } = await WebAssembly.instantiate(wasmBytes, { './voy_search_bg.js': voyBindings as unknown as WebAssembly.ModuleImports });
  glue.__wbg_set_wasm(instance.exports);
  return { Voy: glue.Voy, memory: instance.exports.memory as WebAssembly.Memory };
}

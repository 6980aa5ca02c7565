declare module 'hnswlib-wasm/dist/hnswlib.js' {
  export * from 'hnswlib-wasm';
}
declare module 'voy-search/voy_search_bg.js';

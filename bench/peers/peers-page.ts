// The page `npm run bench` (section peers) drives: bench/peers/peer-runs.ts in Chromium, with the
// peers loaded as a shop would bundle them.
import { loadHnswlib } from 'hnswlib-wasm/dist/hnswlib.js';
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';
import { loadVoy } from './load-voy.ts';
import { runPeers, type HnswlibModule, type PeerOptions, type PeerRow } from './peer-runs.ts';

declare global {
  interface Window {
    peerBench(options: PeerOptions): Promise<PeerRow[]>;
  }
}

window.peerBench = (o) =>
  runPeers(o, {
    hnswlib: async () => (await loadHnswlib()) as unknown as HnswlibModule,
    voy: async () => loadVoy(await (await fetch(voyWasmUrl)).arrayBuffer()),
    // no-store: each IVF first query really downloads its files.
    fetch: (url, init) => fetch(url, { ...init, cache: 'no-store' }),
  });

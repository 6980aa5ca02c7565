// The demo page's additions to `window` (declared in src/demo/main.ts), for the page.evaluate
// callbacks of the e2e specs and the benchmarks.
import '../src/demo/main.ts';

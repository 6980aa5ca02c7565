// `npm run analyze:widget`: the Custom Elements Manifest of the shop widget, from its source
// and JSDoc (@fires, @csspart, @cssprop), written to custom-elements.json (committed, named by
// package.json's "customElements"; test/unit/widget/custom-elements-manifest.test.ts fails when it is stale).
export default {
  globs: ['src/widget/ondevice-recs-element.ts', 'src/widget/widget-entry.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};

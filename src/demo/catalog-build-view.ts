import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { ServedCatalogBuildStatus } from '../protocol/catalog-build-status.ts';
import { CATALOG_BUILD_STEPS, catalogBuildFraction, describeCatalogBuild } from './describe-catalog-build.ts';
import { sharedStyles, statusCardStyles } from './shared-styles.ts';

/**
 * The first `npm start` only: the default catalog is being built on this machine while the
 * page is already served. Shows the builder's own progress ("Building the catalog: 412 of 961
 * items"), fed by main.ts from the dev server; the shop replaces it when the catalog is there.
 */
@customElement('catalog-build-view')
export class CatalogBuildView extends LitElement {
  @property({ attribute: false }) status: ServedCatalogBuildStatus | undefined;

  static override styles = [
    sharedStyles,
    statusCardStyles,
    css`
      .now {
        margin: 0.5rem 0 0.75rem;
        font-size: 0.9rem;
        font-variant-numeric: tabular-nums;
      }
      ol {
        margin: 0;
        padding-left: 1.25rem;
        font-size: 0.875rem;
        color: var(--ink-muted);
      }
      li[data-state='current'] {
        color: var(--ink);
        font-weight: 700;
      }
      li[data-state='done']::after {
        content: ' ✓';
        color: var(--ok-ink);
      }
    `,
  ];

  override render() {
    const status = this.status;
    if (!status) return nothing;
    const fraction = catalogBuildFraction(status);
    const percent = fraction === undefined ? undefined : Math.round(fraction * 100);
    const text = describeCatalogBuild(status);
    const current = CATALOG_BUILD_STEPS.findIndex((step) => step.phase === status.phase);
    return html`<section class="card" aria-labelledby="build-heading" data-testid="catalog-build" data-phase=${status.phase}>
      <h2 id="build-heading">Building the catalog (first run only)</h2>
      <p class="lead">
        <code>npm start</code> is building the default catalog on this machine: the Tux Paint stamps, each one’s text, picture and sound embedded by the same
        encoders this page uses. The shop opens here by itself when it is ready; later runs reuse it.
      </p>
      <div
        class="bar"
        role="progressbar"
        aria-labelledby="build-heading"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${percent ?? nothing}
        aria-valuetext=${text}
        data-testid="catalog-build-progress"
      >
        <span class="fill" style=${styleMap({ width: `${percent ?? 0}%` })}></span>
      </div>
      <p class="now" aria-live="polite" data-testid="catalog-build-now">${text}</p>
      <ol aria-label="Build steps">
        ${CATALOG_BUILD_STEPS.map((step, i) => html`<li data-state=${i < current ? 'done' : i === current ? 'current' : 'pending'}>${step.label}</li>`)}
      </ol>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'catalog-build-view': CatalogBuildView;
  }
}

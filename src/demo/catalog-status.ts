import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CatalogSummary } from '../protocol/engine-api.ts';

/** Which catalog the engine holds, how big it is and how it was loaded (network or cache). */
@customElement('catalog-status')
export class CatalogStatus extends LitElement {
  @property({ attribute: false }) summary: CatalogSummary | undefined;
  @property({ type: String }) error = '';

  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.4 system-ui,
        sans-serif;
      margin-top: 0.75em;
    }
    .error {
      background: #fde7e9;
      border-left: 4px solid #c50f1f;
      padding: 0.5em 0.75em;
    }
  `;

  override render() {
    if (this.error) return html`<p class="error" role="alert" data-testid="catalog-error">${this.error}</p>`;
    const s = this.summary;
    if (!s) return html`<p aria-live="polite">Loading the catalog…</p>`;
    return html`<p data-testid="catalog-summary">
      Catalog <strong>${s.name}</strong>: <span data-testid="catalog-items">${s.itemCount}</span> items with
      ${s.modalities.map((m) => `${m.modality} (${m.count})`).join(', ')}; ${(s.bytes / 1e6).toFixed(1)} MB of vectors, loaded in ${s.loadMs.toFixed(0)} ms
      ${s.fromCache ? 'from the browser cache' : 'from the network'}.
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'catalog-status': CatalogStatus;
  }
}

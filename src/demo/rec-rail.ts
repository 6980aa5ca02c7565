import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { RecommendedItem } from '../protocol/recommend.ts';
import { sharedStyles } from './shared-styles.ts';
import './item-card.ts';
import './why-panel.ts';

/**
 * A heading and a horizontal row of recommended items. Every item has a "Why?" toggle that
 * opens its explanation under the row (one at a time, so the row keeps its shape). Choosing an
 * item bubbles `item-select` (detail `{ id }`) from its card.
 */
@customElement('rec-rail')
export class RecRail extends LitElement {
  @property({ attribute: false }) items: RecommendedItem[] = [];
  @property({ type: String }) heading = '';
  /** Shown instead of the row when there are no items (and nothing is loading). */
  @property({ type: String, attribute: 'empty-text' }) emptyText = 'Nothing to show yet.';
  /** A line under the heading, e.g. what the rail is based on. */
  @property({ type: String }) caption = '';
  /** The heading's level, so the rail fits the outline of the page around it. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel: 2 | 3 = 2;
  /** Items are being fetched: the row says so instead of looking empty. */
  @property({ type: Boolean }) busy = false;
  @state() private openWhyId: string | undefined;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .head {
        display: flex;
        align-items: baseline;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        margin-bottom: 0.6rem;
      }
      h2,
      h3 {
        margin: 0;
        font-size: 1.2rem;
        line-height: 1.3;
      }
      h3 {
        font-size: 1.05rem;
      }
      .caption {
        margin: 0;
        color: var(--ink-muted);
        font-size: 0.875rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0.25rem 0.25rem 0.75rem;
        display: grid;
        grid-auto-flow: column;
        grid-auto-columns: 8.75rem;
        gap: 0.85rem;
        overflow-x: auto;
        /* The containing block of the buttons' screen-reader text, so it scrolls (and clips) with the row. */
        position: relative;
        scroll-snap-type: x proximity;
        scrollbar-width: thin;
      }
      li {
        display: grid;
        grid-template-rows: 1fr auto;
        gap: 0.4rem;
        scroll-snap-align: start;
      }
      .why {
        justify-self: start;
      }
      .empty {
        margin: 0;
        padding: 1rem 1.1rem;
        border: 1px dashed var(--line-strong);
        border-radius: 12px;
        color: var(--ink-muted);
        background: var(--surface);
      }
      why-panel {
        margin-top: 0.25rem;
      }
    `,
  ];

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // A refreshed list keeps an open explanation only if its item is still in the row.
    if (changed.has('items') && this.openWhyId && !this.items.some((i) => i.id === this.openWhyId)) this.openWhyId = undefined;
  }

  override render() {
    const open = this.items.find((i) => i.id === this.openWhyId);
    return html`
      <div class="head">
        ${this.headingLevel === 3 ? html`<h3 id="heading">${this.heading}</h3>` : html`<h2 id="heading">${this.heading}</h2>`}
        ${this.caption ? html`<p class="caption">${this.caption}</p>` : nothing}
      </div>
      ${
        this.items.length === 0
          ? html`<p class="empty" role="status">${this.busy ? 'Finding items…' : this.emptyText}</p>`
          : html`<ul aria-labelledby="heading" aria-busy=${this.busy ? 'true' : 'false'}>
              ${this.items.map(
                (item) =>
                  html`<li data-item-id=${item.id}>
                    <item-card .item=${item}></item-card>
                    <button
                      type="button"
                      class="button why"
                      aria-expanded=${item.id === this.openWhyId ? 'true' : 'false'}
                      aria-controls="why"
                      @click=${() => this.toggleWhy(item.id)}
                    >
                      Why?<span class="visually-hidden"> ${item.title} is here</span>
                    </button>
                  </li>`,
              )}
            </ul>`
      }
      <why-panel id="why" .item=${open} ?hidden=${!open} aria-label=${open ? `Why ${open.title} is here` : 'Explanation'} role="region"></why-panel>
    `;
  }

  private toggleWhy(id: string): void {
    this.openWhyId = this.openWhyId === id ? undefined : id;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rec-rail': RecRail;
  }
}

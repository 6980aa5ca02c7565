import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CatalogItemCard } from '../protocol/catalog-view.ts';
import type { ItemCard } from './item-card.ts';
import { sharedStyles } from './shared-styles.ts';
import './item-card.ts';

/** Cards rendered at first and per "Show more": enough to fill a screen without building 961 cards at once. */
const PAGE_SIZE = 48;

/**
 * The items of one category as a grid of cards, a page at a time. The heading says the
 * category and how many items it holds; "Show more" adds the next page and moves focus to
 * its first card.
 */
@customElement('catalog-grid')
export class CatalogGrid extends LitElement {
  @property({ attribute: false }) items: CatalogItemCard[] = [];
  @property({ type: String }) heading = '';
  @state() private shown = PAGE_SIZE;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .head {
        display: flex;
        align-items: baseline;
        gap: 0.75rem;
        margin-bottom: 0.75rem;
      }
      h2 {
        margin: 0;
        font-size: 1.35rem;
      }
      .count {
        margin: 0;
        color: var(--ink-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(9.25rem, 1fr));
        gap: 0.85rem;
      }
      .more {
        display: flex;
        justify-content: center;
        margin-top: 1.25rem;
      }
    `,
  ];

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('items')) this.shown = PAGE_SIZE;
  }

  override render() {
    const visible = this.items.slice(0, this.shown);
    const rest = this.items.length - visible.length;
    return html`<section aria-labelledby="grid-heading">
      <div class="head">
        <h2 id="grid-heading">${this.heading}</h2>
        <p class="count" data-testid="grid-count">${this.items.length} ${this.items.length === 1 ? 'item' : 'items'}</p>
      </div>
      <ul aria-labelledby="grid-heading" data-testid="catalog-grid">
        ${visible.map((item) => html`<li data-item-id=${item.id}><item-card .item=${item}></item-card></li>`)}
      </ul>
      ${
        rest > 0
          ? html`<div class="more">
              <button type="button" class="button" @click=${this.showMore}>
                Show ${Math.min(rest, PAGE_SIZE)} more<span class="visually-hidden"> items</span> (${rest} left)
              </button>
            </div>`
          : nothing
      }
    </section>`;
  }

  private async showMore(): Promise<void> {
    const firstNew = this.shown;
    this.shown += PAGE_SIZE;
    await this.updateComplete;
    this.renderRoot.querySelectorAll<ItemCard>('item-card')[firstNew]?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'catalog-grid': CatalogGrid;
  }
}

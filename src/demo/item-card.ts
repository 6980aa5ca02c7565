import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CatalogItemCard } from '../protocol/catalog-view.ts';
import { categoryLabel } from './category-path.ts';
import { itemSelectEvent } from './item-select-event.ts';
import { sharedStyles } from './shared-styles.ts';

/** What a card needs: a catalog card and a recommended item both have it. */
export type CardItem = Pick<CatalogItemCard, 'id' | 'title' | 'category' | 'imageUrl' | 'videoUrl'>;

/**
 * One item as a card: picture, title and category in one real button (so Enter and Space
 * open it). The button's name is the title alone, so a list of cards reads as a list of
 * titles; the category is its description.
 */
@customElement('item-card')
export class ItemCard extends LitElement {
  @property({ attribute: false }) item: CardItem | undefined;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      button {
        all: unset;
        box-sizing: border-box;
        display: flex;
        flex-direction: column;
        width: 100%;
        height: 100%;
        background: var(--surface);
        border: 1px solid var(--line);
        border-radius: 12px;
        overflow: hidden;
        cursor: pointer;
        transition:
          box-shadow 120ms ease,
          transform 120ms ease,
          border-color 120ms ease;
      }
      button:hover {
        border-color: var(--line-strong);
        box-shadow: 0 4px 14px rgb(16 24 40 / 12%);
        transform: translateY(-1px);
      }
      button:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
        border-radius: 12px;
      }
      .picture {
        position: relative;
        aspect-ratio: 1;
        background: var(--picture-bg);
      }
      /* Out of flow, so a tall or wide picture never changes the card's size. */
      img {
        position: absolute;
        inset: 10%;
        width: 80%;
        height: 80%;
        object-fit: contain;
      }
      /* A video item's card shows its poster frame with this mark. */
      .video-badge {
        position: absolute;
        left: 0.4rem;
        bottom: 0.4rem;
        padding: 0.05rem 0.45rem;
        border-radius: 999px;
        font-size: 0.75rem;
        font-weight: 600;
        background: rgb(0 0 0 / 72%);
        color: #fff;
      }
      .text {
        padding: 0.5rem 0.65rem 0.6rem;
        display: grid;
        gap: 0.1rem;
      }
      .title {
        font-weight: 600;
        font-size: 0.925rem;
        line-height: 1.25;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .category {
        font-size: 0.78rem;
        color: var(--ink-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    `,
  ];

  override render() {
    const item = this.item;
    if (!item) return nothing;
    return html`<button type="button" aria-label=${item.title} aria-describedby="category" @click=${this.select}>
      <span class="picture">
        ${item.imageUrl ? html`<img src=${item.imageUrl} alt=${item.title} loading="lazy" decoding="async" width="160" height="160" />` : nothing}
        ${item.videoUrl ? html`<span class="video-badge" data-testid="video-badge"><span aria-hidden="true">▶ </span>Video</span>` : nothing}
      </span>
      <span class="text">
        <span class="title">${item.title}</span>
        <span class="category" id="category">${categoryLabel(item.category)}</span>
      </span>
    </button>`;
  }

  /** Moves keyboard focus onto the card's button (e.g. after returning from the item view). */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('button')?.focus(options);
  }

  private select(): void {
    if (this.item) this.dispatchEvent(itemSelectEvent(this.item.id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'item-card': ItemCard;
  }
}

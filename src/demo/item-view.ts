import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Recommender } from '../client/create-recommender.ts';
import type { CatalogItemCard } from '../protocol/catalog-view.ts';
import type { RecommendedItem } from '../protocol/recommend.ts';
import { categoryLabel } from './category-path.ts';
import { sharedStyles } from './shared-styles.ts';
import './rec-rail.ts';
import './review-box.ts';

/** How many neighbours the "Similar to this" rail shows. */
const SIMILAR_COUNT = 10;

/**
 * One item, large: picture (or, for a video item, the video in a player with its poster frame),
 * title, description, category, its sound in a player, a "Your review" box (review-box.ts), and a "Similar to this" rail from the recommender. Dispatches `item-close` when the user goes back.
 * Tracking the view (with its dwell time) is the page's job, which knows when the user leaves.
 */
@customElement('item-view')
export class ItemView extends LitElement {
  @property({ attribute: false }) item: CatalogItemCard | undefined;
  @property({ attribute: false }) recs: Recommender | undefined;
  /** Where "Back" returns to, for its label. */
  @property({ type: String, attribute: 'back-label' }) backLabel = 'the shop';
  @state() private similar: RecommendedItem[] = [];
  @state() private similarBusy = false;
  @state() private similarError = '';
  private similarRequest = 0;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .back {
        margin-bottom: 1rem;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(12rem, 18rem) 1fr;
        gap: 1.5rem 2.5rem;
        align-items: start;
        background: var(--surface);
        border: 1px solid var(--line);
        border-radius: 16px;
        padding: 1.5rem;
        margin-bottom: 1.75rem;
      }
      @media (max-width: 44rem) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      .picture {
        position: relative;
        aspect-ratio: 1;
        background: var(--picture-bg);
        border-radius: 12px;
      }
      .picture img {
        position: absolute;
        inset: 8%;
        width: 84%;
        height: 84%;
        object-fit: contain;
      }
      /* A video keeps its own shape (4:3, 16:9 …) and fills the column. */
      .picture.video {
        aspect-ratio: auto;
        background: #000;
        overflow: hidden;
      }
      .picture video {
        display: block;
        width: 100%;
        height: auto;
      }
      .category {
        margin: 0 0 0.25rem;
        color: var(--ink-muted);
        font-size: 0.9rem;
      }
      h2 {
        margin: 0 0 0.5rem;
        font-size: 2rem;
        line-height: 1.2;
      }
      /* Focused by the page (not by Tab: it is not in the tab order) so reading starts here; no ring needed. */
      h2:focus {
        outline: none;
      }
      .description {
        margin: 0 0 1.25rem;
        font-size: 1.1rem;
      }
      .sound {
        margin: 0 0 1.25rem;
      }
      .sound-label {
        display: block;
        font-weight: 600;
        margin-bottom: 0.35rem;
      }
      audio {
        width: min(100%, 22rem);
      }
      .note {
        margin: 0;
        font-size: 0.875rem;
        color: var(--ink-muted);
      }
      .error {
        color: var(--error-ink);
      }
    `,
  ];

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('item') || changed.has('recs')) && this.item && this.recs) void this.loadSimilar(this.item.id, this.recs);
  }

  /** Moves focus to the title, so keyboard and screen-reader users start reading the item. */
  focusTitle(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }

  override render() {
    const item = this.item;
    if (!item) return nothing;
    return html`
      <button type="button" class="button back" @click=${this.close}><span aria-hidden="true">←</span> Back to ${this.backLabel}</button>
      <article class="layout" aria-labelledby="item-title" data-item-id=${item.id}>
        ${
          item.videoUrl
            ? html`<div class="picture video">
                <video
                  controls
                  preload="metadata"
                  playsinline
                  src=${item.videoUrl}
                  poster=${ifDefined(item.imageUrl)}
                  aria-label=${`Video: ${item.title}`}
                  data-testid="item-video"
                ></video>
              </div>`
            : html`<div class="picture">
                ${item.imageUrl ? html`<img src=${item.imageUrl} alt=${item.description ?? item.title} width="320" height="320" data-testid="item-image" />` : nothing}
              </div>`
        }
        <div>
          <p class="category" data-testid="item-category">${categoryLabel(item.category)}</p>
          <h2 id="item-title" tabindex="-1">${item.title}</h2>
          ${item.description ? html`<p class="description" data-testid="item-description">${item.description}</p>` : nothing}
          ${
            item.audioUrl
              ? html`<div class="sound">
                  <span class="sound-label" id="sound-label">Hear it</span>
                  <audio controls preload="metadata" src=${item.audioUrl} aria-labelledby="sound-label" data-testid="item-audio"></audio>
                </div>`
              : nothing
          }
          <review-box item-id=${item.id} .recs=${this.recs}></review-box>
          <p class="note">Looking at this item is remembered only in this browser, to tune “Recommended for you”.</p>
        </div>
      </article>
      ${
        this.similarError
          ? html`<p class="error" role="alert">Similar items could not be found: ${this.similarError}</p>`
          : html`<rec-rail
              heading="Similar to this"
              heading-level="3"
              .items=${this.similar}
              ?busy=${this.similarBusy}
              empty-text="No similar items found."
              data-testid="similar-rail"
            ></rec-rail>`
      }
    `;
  }

  private async loadSimilar(itemId: string, recs: Recommender): Promise<void> {
    const request = ++this.similarRequest;
    this.similar = [];
    this.similarBusy = true;
    this.similarError = '';
    try {
      const items = await recs.recommend({ mode: 'similar', itemId, k: SIMILAR_COUNT });
      if (request === this.similarRequest) this.similar = items;
    } catch (error) {
      if (request === this.similarRequest) this.similarError = (error as Error).message;
    } finally {
      if (request === this.similarRequest) this.similarBusy = false;
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('item-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'item-view': ItemView;
  }
  interface HTMLElementEventMap {
    'item-close': CustomEvent<void>;
  }
}

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { isInCategory } from './category-path.ts';
import type { CategoryNode } from './category-tree.ts';
import { sharedStyles } from './shared-styles.ts';

export interface CategorySelectDetail {
  /** The chosen folder path; '' for every item. */
  path: string;
}

/**
 * The catalog's folders as a list of buttons: top-level folders, and the sub-folders of the one
 * chosen. The chosen folder is `aria-current`; every count includes the sub-folders. Choosing
 * one dispatches `category-select` (detail `{ path }`).
 */
@customElement('category-nav')
export class CategoryNav extends LitElement {
  @property({ attribute: false }) tree: CategoryNode[] = [];
  @property({ type: Number }) total = 0;
  @property({ type: String }) selected = '';

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        font-size: 0.8rem;
        font-weight: 700;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--ink-muted);
        margin: 0 0 0.5rem 0.6rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      ul ul {
        margin: 0.1rem 0 0.35rem 0.9rem;
        padding-left: 0.5rem;
        border-left: 2px solid var(--line);
      }
      button {
        all: unset;
        box-sizing: border-box;
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        width: 100%;
        padding: 0.3rem 0.6rem;
        border-radius: 8px;
        cursor: pointer;
        font-size: 0.925rem;
        line-height: 1.35;
      }
      ul ul button {
        font-size: 0.875rem;
      }
      button:hover {
        background: var(--accent-soft);
      }
      button:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 0;
      }
      button[aria-current='true'] {
        background: var(--accent);
        color: var(--on-accent);
        font-weight: 600;
      }
      button.open:not([aria-current='true']) {
        font-weight: 600;
      }
      .count {
        font-variant-numeric: tabular-nums;
        color: var(--ink-muted);
        font-size: 0.8rem;
        align-self: center;
      }
      button[aria-current='true'] .count {
        color: var(--on-accent);
      }
    `,
  ];

  override render() {
    return html`<nav aria-labelledby="categories-heading">
      <h2 id="categories-heading">Categories</h2>
      <ul>
        <li>${this.button('', 'All items', this.total)}</li>
        ${this.tree.map(
          (top) =>
            html`<li>
              ${this.button(top.path, top.name, top.count, isInCategory(this.selected, top.path))}
              ${
                isInCategory(this.selected, top.path) && top.children.length
                  ? html`<ul aria-label="${top.name} folders">
                      ${top.children.map((sub) => html`<li>${this.button(sub.path, sub.name, sub.count)}</li>`)}
                    </ul>`
                  : nothing
              }
            </li>`,
        )}
      </ul>
    </nav>`;
  }

  private button(path: string, name: string, count: number, open = false) {
    return html`<button
      type="button"
      class=${open ? 'open' : ''}
      aria-current=${this.selected === path ? 'true' : 'false'}
      data-category=${path}
      @click=${() => this.choose(path)}
    >
      <span>${name}</span><span class="count"><span class="visually-hidden">, </span>${count}<span class="visually-hidden"> items</span></span>
    </button>`;
  }

  private choose(path: string): void {
    this.dispatchEvent(new CustomEvent<CategorySelectDetail>('category-select', { detail: { path }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'category-nav': CategoryNav;
  }
  interface HTMLElementEventMap {
    'category-select': CustomEvent<CategorySelectDetail>;
  }
}

import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Recommender } from '../client/create-recommender.ts';
import type { CatalogMap } from '../protocol/catalog-view.ts';
import { categoryLabel, folderLabel } from './category-path.ts';
import { itemSelectEvent } from './item-select-event.ts';
import { panelStyles, sharedStyles } from './shared-styles.ts';
import { embeddingMapStyles } from './embedding-map-styles.ts';
import { MAP_HEIGHT, MAP_WIDTH } from './embedding-map-size.ts';
import type { MapLayout, MapPoint } from './embedding-map-layout.ts';
import { MapDataController } from './map-data-controller.ts';
import { MapFocusController } from './map-focus-controller.ts';

const NO_LAYOUT: MapLayout = { points: [], xs: new Float64Array(0), ys: new Float64Array(0), legend: [] };

/**
 * The catalog as a map (`recs.map()`: every item at x/y in [0, 1], similar items close): an SVG
 * scatter coloured by top-level category with a legend; the user's history (squares) and the
 * current recommendations (rings) stand out by shape, not colour alone. Hovering or focusing a
 * point shows its title; the points are one tab stop, moved between with the arrow keys
 * (roving tabindex), and Enter, Space or a click dispatches `item-select` (detail `{ id }`).
 * Points are rendered once per map and highlight change; hover and focus only move the label.
 * The data (MapDataController) and the focus (MapFocusController) are controllers of their own.
 */
@customElement('embedding-map')
export class EmbeddingMap extends LitElement {
  @property({ attribute: false }) recs: Recommender | undefined;
  /** Ids of items the user looked at, drawn as squares. */
  @property({ attribute: false }) highlightHistory: string[] = [];
  /** Ids of items recommended now, drawn with a ring. */
  @property({ attribute: false }) highlightRecommended: string[] = [];

  private readonly data = new MapDataController(this, () => this.recs);
  private readonly roving = new MapFocusController(
    this,
    () => this.layout,
    (index) => {
      const point = this.layout.points[index];
      if (point) this.dispatchEvent(itemSelectEvent(point.id));
    },
  );
  /** The layout the highlights were computed for. */
  private highlighted: MapLayout | undefined;
  private history = new Set<string>();
  private recommended = new Set<string>();
  /** Highlighted points and their indices, drawn again on top with their shapes. */
  private marked: Array<{ p: MapPoint; i: number }> = [];

  static override styles = [sharedStyles, panelStyles, embeddingMapStyles];

  private get layout(): MapLayout {
    return this.data.layout ?? NO_LAYOUT;
  }

  private get points(): MapPoint[] {
    return this.layout.points;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (this.data.layout !== this.highlighted || changed.has('highlightHistory') || changed.has('highlightRecommended')) {
      if (this.data.layout !== this.highlighted) this.roving.clamp(this.points.length);
      this.highlighted = this.data.layout;
      this.highlight();
    }
  }

  private highlight(): void {
    this.history = new Set(this.highlightHistory);
    this.recommended = new Set(this.highlightRecommended);
    this.marked = [];
    this.points.forEach((p, i) => {
      if (this.history.has(p.id) || this.recommended.has(p.id)) this.marked.push({ p, i });
    });
  }

  override render() {
    return html`<section aria-labelledby="map-heading">
      <h2 id="map-heading">Map of the catalog</h2>
      <p class="lead">Every item as a dot, similar items close together, with where your history and your recommendations lie.</p>
      ${this.data.error ? html`<p class="error" role="alert">${this.data.error}</p>` : this.data.map ? this.renderMap(this.data.map) : html`<p role="status">Drawing the map…</p>`}
    </section>`;
  }

  private renderMap(map: CatalogMap) {
    const label = this.roving.labelIndex === undefined ? undefined : this.points[this.roving.labelIndex];
    const active = this.roving.focused ? this.points[this.roving.activeIndex] : undefined;
    return html`
      <figure>
        <div class="plot">
          <svg
            viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}"
            role="group"
            aria-label=${`Map of ${this.points.length} items`}
            aria-describedby="keys"
            class=${this.history.size + this.recommended.size > 0 ? 'dim' : ''}
            @pointerover=${this.roving.onPointerOver}
            @pointerleave=${this.roving.onPointerLeave}
            @click=${this.roving.onClick}
            @keydown=${this.roving.onKeyDown}
            @focusin=${this.roving.onFocusIn}
            @focusout=${this.roving.onFocusOut}
          >
            <g class="base">${guard([this.points, this.history, this.recommended], () => this.renderPoints())}</g>
            <g aria-hidden="true">${guard([this.points, this.marked], () => this.renderHighlights())}</g>
            ${active ? svg`<circle class="focus-ring" cx=${active.x} cy=${active.y} r="13"></circle>` : nothing}
          </svg>
          ${label ? this.renderLabel(label) : nothing}
        </div>
        <figcaption>
          <span id="caption">
            Each dot is one of the ${this.points.length} items. How they are placed: ${map.method.replace(/\.?$/, '.')} The two axes keep
            ${Math.round(map.varianceKept * 100)}% of the variance; items close together are similar.
          </span>
          <span id="keys">Use the arrow keys to move between items and Enter to open one.</span>
          <ul class="legend shapes" aria-label="Highlights">
            <li>${this.shapeIcon('history')} Items you looked at (${this.marked.filter(({ p }) => this.history.has(p.id)).length})</li>
            <li>${this.shapeIcon('recommended')} Recommended for you now (${this.marked.filter(({ p }) => this.recommended.has(p.id)).length})</li>
          </ul>
          <ul class="legend" aria-label="Categories">
            ${this.layout.legend.map(
              (entry) =>
                html`<li>
                  <svg viewBox="0 0 14 14" aria-hidden="true"><circle cx="7" cy="7" r="6" fill=${entry.colour}></circle></svg>
                  ${folderLabel(entry.top || 'other')} (${entry.count})
                </li>`,
            )}
          </ul>
        </figcaption>
      </figure>
    `;
  }

  /**
   * Every item as a circle, in catalog order, always the same template, so a highlight change
   * only updates a few attributes. They carry the names and take focus; the tab stop moves
   * imperatively (syncTabStop), so focus moves never re-render the points.
   */
  private renderPoints() {
    return this.points.map((p, i) => {
      const history = this.history.has(p.id);
      const recommended = this.recommended.has(p.id);
      const status = [history ? 'you looked at it' : '', recommended ? 'recommended for you' : ''].filter(Boolean).join(', ');
      return svg`<circle class="pt" cx=${p.x} cy=${p.y} r="5" fill=${p.colour} tabindex="-1" role="button"
        data-i=${i} data-id=${p.id} ?data-history=${history} ?data-recommended=${recommended}
        aria-label=${status ? `${p.name}, ${status}` : p.name}></circle>`;
    });
  }

  /** The user's history as squares and recommendations as rings, on top of the points; pointer events reach the item, focus stays on its circle. */
  private renderHighlights() {
    return this.marked.map(({ p, i }) => {
      const history = this.history.has(p.id);
      const recommended = this.recommended.has(p.id);
      return svg`${history ? svg`<rect class="shape history" x=${p.x - 7} y=${p.y - 7} width="14" height="14" fill=${p.colour} data-i=${i}></rect>` : svg`<circle class="shape" cx=${p.x} cy=${p.y} r="7" fill=${p.colour} data-i=${i}></circle>`}${
        recommended ? svg`<circle class="ring" cx=${p.x} cy=${p.y} r="12"></circle>` : nothing
      }`;
    });
  }

  private renderLabel(p: MapPoint) {
    const flip = p.x > MAP_WIDTH * 0.65;
    const status = [this.history.has(p.id) ? 'You looked at it' : '', this.recommended.has(p.id) ? 'Recommended for you' : ''].filter(Boolean).join(' · ');
    return html`<div
      class="label ${flip ? 'flip' : ''}"
      style=${styleMap({ left: `${(p.x / MAP_WIDTH) * 100}%`, top: `${(p.y / MAP_HEIGHT) * 100}%` })}
      aria-hidden="true"
      data-testid="map-label"
    >
      ${p.imageUrl ? html`<img src=${p.imageUrl} alt="" />` : nothing}
      <span>
        <span class="title">${p.title}</span><br />
        <span class="meta">${categoryLabel(p.category)}${status ? html`<br />${status}` : nothing}</span>
      </span>
    </div>`;
  }

  private shapeIcon(kind: 'history' | 'recommended') {
    return kind === 'history'
      ? html`<svg viewBox="0 0 14 14" aria-hidden="true"><rect x="2" y="2" width="10" height="10" fill="#5f6b7a" stroke="#111" stroke-width="2"></rect></svg>`
      : html`<svg viewBox="0 0 14 14" aria-hidden="true">
          <circle cx="7" cy="7" r="3" fill="#5f6b7a"></circle>
          <circle cx="7" cy="7" r="5.5" fill="none" stroke="#111" stroke-width="1.5"></circle>
        </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'embedding-map': EmbeddingMap;
  }
}

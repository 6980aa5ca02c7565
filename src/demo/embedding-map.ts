import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Recommender } from '../client/create-recommender.ts';
import type { CatalogItemCard, CatalogMap } from '../protocol/catalog-view.ts';
import { categoryLabel, folderLabel } from './category-path.ts';
import { itemSelectEvent } from './item-select-event.ts';
import { nearestInDirection, type Direction } from './nearest-in-direction.ts';
import { panelStyles, sharedStyles } from './shared-styles.ts';
import { embeddingMapStyles } from './embedding-map-styles.ts';
import { MAP_HEIGHT, MAP_WIDTH } from './embedding-map-size.ts';

const PAD = 24;

/**
 * Category colours, most distinct first (the largest categories get them). Colour is never the
 * only cue: the legend, shapes for history and recommendations, the title on hover and focus.
 */
const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#e36c0a', '#b5179e', '#0f8b8d', '#8c564b',
  '#c49000', '#393b79', '#5f6b7a', '#00a6d6', '#8a8a00', '#7b4173', '#e377c2', '#6b8e23',
];

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

interface MapPoint {
  id: string;
  title: string;
  /** Title and category, what a screen reader says for the point. */
  name: string;
  category: string;
  top: string;
  colour: string;
  /** Position in viewBox units (y down). */
  x: number;
  y: number;
  imageUrl?: string;
}

const topCategory = (category: string) => category.split('/')[0] ?? category;

/**
 * The catalog as a map (`recs.map()`: every item at x/y in [0, 1], similar items close): an SVG
 * scatter coloured by top-level category with a legend; the user's history (squares) and the
 * current recommendations (rings) stand out by shape, not colour alone. Hovering or focusing a
 * point shows its title; the points are one tab stop, moved between with the arrow keys
 * (roving tabindex), and Enter, Space or a click dispatches `item-select` (detail `{ id }`).
 * Points are rendered once per map and highlight change; hover and focus only move the label.
 */
@customElement('embedding-map')
export class EmbeddingMap extends LitElement {
  @property({ attribute: false }) recs: Recommender | undefined;
  /** Ids of items the user looked at, drawn as squares. */
  @property({ attribute: false }) highlightHistory: string[] = [];
  /** Ids of items recommended now, drawn with a ring. */
  @property({ attribute: false }) highlightRecommended: string[] = [];

  @state() private map: CatalogMap | undefined;
  @state() private cards: Map<string, CatalogItemCard> = new Map();
  @state() private error = '';
  /** The point that holds the tab stop. */
  @state() private activeIndex = 0;
  /** The point whose label shows (hovered or focused), if any. */
  @state() private labelIndex: number | undefined;
  @state() private focused = false;

  private points: MapPoint[] = [];
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private legend: Array<{ top: string; colour: string; count: number }> = [];
  private history = new Set<string>();
  private recommended = new Set<string>();
  /** The point element that holds the tab stop now. */
  private tabStop: SVGElement | undefined;
  /** Indices of highlighted points, drawn again on top with their shapes. */
  private marked: number[] = [];

  static override styles = [sharedStyles, panelStyles, embeddingMapStyles];

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('recs')) void this.load();
    if (changed.has('map') || changed.has('cards')) this.layOut();
    if (changed.has('map') || changed.has('cards') || changed.has('highlightHistory') || changed.has('highlightRecommended')) this.highlight();
  }

  private async load(): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    this.error = '';
    try {
      const [map, items] = await Promise.all([recs.map(), recs.items()]);
      if (recs !== this.recs) return;
      this.cards = new Map(items.map((card) => [card.id, card]));
      this.map = map;
    } catch (error) {
      this.error = `The map could not be drawn: ${(error as Error).message}`;
    }
  }

  private layOut(): void {
    const map = this.map;
    if (!map) return;
    const sizes = new Map<string, number>();
    for (const id of map.ids) {
      const top = topCategory(this.cards.get(id)?.category ?? '');
      sizes.set(top, (sizes.get(top) ?? 0) + 1);
    }
    const tops = [...sizes.keys()].sort();
    const bySize = [...tops].sort((a, b) => sizes.get(b)! - sizes.get(a)!);
    const colourOf = new Map(bySize.map((top, i) => [top, PALETTE[i % PALETTE.length]!]));
    this.points = map.ids.map((id, i) => {
      const card = this.cards.get(id);
      const category = card?.category ?? '';
      const top = topCategory(category);
      const title = card?.title ?? id;
      return {
        id,
        title,
        name: `${title}, ${categoryLabel(category)}`,
        category,
        top,
        colour: colourOf.get(top)!,
        x: PAD + map.x[i]! * (MAP_WIDTH - 2 * PAD),
        // Screen y grows downwards; the projection's y grows upwards.
        y: PAD + (1 - map.y[i]!) * (MAP_HEIGHT - 2 * PAD),
        ...(card?.imageUrl ? { imageUrl: card.imageUrl } : {}),
      };
    });
    this.xs = Float64Array.from(this.points, (p) => p.x);
    this.ys = Float64Array.from(this.points, (p) => p.y);
    this.legend = tops.map((top) => ({ top, colour: colourOf.get(top)!, count: sizes.get(top)! }));
    if (this.activeIndex >= this.points.length) this.activeIndex = 0;
  }

  private highlight(): void {
    this.history = new Set(this.highlightHistory);
    this.recommended = new Set(this.highlightRecommended);
    this.marked = [];
    this.points.forEach((p, i) => {
      if (this.history.has(p.id) || this.recommended.has(p.id)) this.marked.push(i);
    });
  }

  override render() {
    return html`<section aria-labelledby="map-heading">
      <h2 id="map-heading">Map of the catalog</h2>
      <p class="lead">Every item as a dot, similar items close together, with where your history and your recommendations lie.</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : this.map ? this.renderMap(this.map) : html`<p role="status">Drawing the map…</p>`}
    </section>`;
  }

  private renderMap(map: CatalogMap) {
    const label = this.labelIndex === undefined ? undefined : this.points[this.labelIndex];
    return html`
      <figure>
        <div class="plot">
          <svg
            viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}"
            role="group"
            aria-label=${`Map of ${this.points.length} items`}
            aria-describedby="keys"
            class=${this.history.size + this.recommended.size > 0 ? 'dim' : ''}
            @pointerover=${this.onPointerOver}
            @pointerleave=${this.onPointerLeave}
            @click=${this.onClick}
            @keydown=${this.onKeyDown}
            @focusin=${this.onFocusIn}
            @focusout=${this.onFocusOut}
          >
            <g class="base">${guard([this.points, this.history, this.recommended], () => this.renderPoints())}</g>
            <g aria-hidden="true">${guard([this.points, this.marked], () => this.renderHighlights())}</g>
            ${this.focused && this.points[this.activeIndex]
              ? svg`<circle class="focus-ring" cx=${this.points[this.activeIndex]!.x} cy=${this.points[this.activeIndex]!.y} r="13"></circle>`
              : nothing}
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
            <li>${this.shapeIcon('history')} Items you looked at (${this.marked.filter((i) => this.history.has(this.points[i]!.id)).length})</li>
            <li>${this.shapeIcon('recommended')} Recommended for you now (${this.marked.filter((i) => this.recommended.has(this.points[i]!.id)).length})</li>
          </ul>
          <ul class="legend" aria-label="Categories">
            ${this.legend.map(
              (entry) => html`<li>
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
    return this.marked.map((i) => {
      const p = this.points[i]!;
      const history = this.history.has(p.id);
      const recommended = this.recommended.has(p.id);
      return svg`${history ? svg`<rect class="shape history" x=${p.x - 7} y=${p.y - 7} width="14" height="14" fill=${p.colour} data-i=${i}></rect>` : svg`<circle class="shape" cx=${p.x} cy=${p.y} r="7" fill=${p.colour} data-i=${i}></circle>`}${
        recommended ? svg`<circle class="ring" cx=${p.x} cy=${p.y} r="12"></circle>` : nothing
      }`;
    });
  }

  protected override updated(): void {
    this.syncTabStop();
  }

  /** Roving tabindex: only the active point is in the tab order. */
  private syncTabStop(): void {
    const active = this.renderRoot.querySelector<SVGElement>(`.pt[data-i="${this.activeIndex}"]`);
    if (active === this.tabStop) return;
    this.tabStop?.setAttribute('tabindex', '-1');
    active?.setAttribute('tabindex', '0');
    this.tabStop = active ?? undefined;
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
      : html`<svg viewBox="0 0 14 14" aria-hidden="true"><circle cx="7" cy="7" r="3" fill="#5f6b7a"></circle><circle cx="7" cy="7" r="5.5" fill="none" stroke="#111" stroke-width="1.5"></circle></svg>`;
  }

  private pointIndexOf(target: EventTarget | null): number | undefined {
    const index = (target as Element | null)?.getAttribute?.('data-i');
    return index == null ? undefined : Number(index);
  }

  private onPointerOver(event: PointerEvent): void {
    const index = this.pointIndexOf(event.target);
    if (index !== undefined) this.labelIndex = index;
  }

  private onPointerLeave(): void {
    this.labelIndex = this.focused ? this.activeIndex : undefined;
  }

  private onClick(event: MouseEvent): void {
    const index = this.pointIndexOf(event.target);
    if (index === undefined) return;
    this.activeIndex = index;
    this.dispatchEvent(itemSelectEvent(this.points[index]!.id));
  }

  private onFocusIn(event: FocusEvent): void {
    const index = this.pointIndexOf(event.target);
    if (index === undefined) return;
    this.focused = true;
    this.activeIndex = index;
    this.labelIndex = index;
  }

  private onFocusOut(): void {
    this.focused = false;
    this.labelIndex = undefined;
  }

  private async onKeyDown(event: KeyboardEvent): Promise<void> {
    const from = this.activeIndex;
    const direction = ARROWS[event.key];
    if (direction) {
      event.preventDefault();
      const to = nearestInDirection(this.xs, this.ys, from, direction);
      if (to === from) return;
      this.activeIndex = to;
      this.labelIndex = to;
      await this.updateComplete;
      this.renderRoot.querySelector<SVGElement>(`.pt[data-i="${to}"]`)?.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const point = this.points[from];
      if (point) this.dispatchEvent(itemSelectEvent(point.id));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'embedding-map': EmbeddingMap;
  }
}

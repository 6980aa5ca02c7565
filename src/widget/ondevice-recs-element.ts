import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Recommender } from '../client/create-recommender.ts';
import type { RecommendRequest, RecommendedItem, TrackExtra, TrackResult, TrackedEventType } from '../protocol/recommend.ts';
import type { CatalogSession } from './catalog-session.ts';
import { joinPageTracking, leavePageTracking } from './page-tracking.ts';
import { joinContentTracking, leaveContentTracking } from './content-tracking.ts';
import { SCRIPT_FOLDER } from './script-folder.ts';
import { releaseSession, sessionFor } from './shared-engine-registry.ts';
import { isEngineLost } from '../protocol/engine-errors.ts';
import { onProfileForgotten } from './profile-forgotten.ts';
import { widgetEvent, type RecsErrorDetail, type RecsReadyDetail, type RecsSelectDetail, type RecsUpdateDetail } from './widget-events.ts';
import { widgetStyles } from './widget-styles.ts';

/** The modes a shop page can ask for; each needs only the catalog's vectors, never an encoder. */
const WIDGET_MODES = ['for-you', 'similar', 'popular'] as const;
type WidgetMode = (typeof WIDGET_MODES)[number];

const DEFAULT_HEADINGS: Record<WidgetMode, string> = {
  'for-you': 'Recommended for you',
  similar: 'Similar items',
  popular: 'Popular right now',
};
/** `popular` on a catalog without shopper data ranks items by how typical they are of their category, and says so. */
const NO_SHOPPER_DATA_HEADING = 'Typical of each category';

/** Lists refresh this long after the last tracked event, so a burst of views costs one ranking. */
const REFRESH_DEBOUNCE_MS = 300;
/** A click waits at most this long for its event to be stored before the browser navigates away. */
const CLICK_STORE_WAIT_MS = 400;
/** After the engine crashed or wedged, the list asks again this long later (the call restarts the engine), at most this many times in a row. */
const CRASH_RETRY_MS = 1000;
const CRASH_RETRIES = 3;
/** The only schemes an `item-href` link may resolve to. */
const SAFE_LINK_SCHEMES = ['http:', 'https:'];

/**
 * `<ondevice-recs catalog="catalogs/tuxpaint/" mode="for-you" k="8" item-href="/product.html?id={id}">`
 *
 * Shows recommendations from a catalog, computed in a worker on this device, and learns from
 * the host page's elements marked `data-rec-item-id` (views after `dwell-ms`, clicks). Relative
 * `catalog` URLs resolve against `assets` (default: the folder of this script). Any problem is
 * shown as one quiet line inside the widget and a `recs-error` event; nothing is thrown into
 * the host page. Every event bubbles and is composed.
 *
 * It also learns from products the catalog does not have, from their content, embedded on this
 * device (src/widget/content-tracking.ts): a host element without `data-rec-item-id` that
 * carries `data-rec-title="<name>"` (with an optional `data-rec-description`),
 * `data-rec-image="<same-origin picture URL>"` and/or `data-rec-audio="<same-origin sound URL>"`
 * is viewed and clicked like a marked one; a schema.org `Product` in the page's
 * `<script type="application/ld+json">` (name, description, image; id from sku, productID or
 * `@id`) counts as viewed once the page was visible for `dwell-ms`. Only files of the page's own
 * origin are fetched (a picture elsewhere is left out), and the encoders load only when the first
 * such product appears. A product the engine refuses (no usable content, a corrupt picture)
 * fires `recs-content-refused` on its element (or on the document, for JSON-LD) with
 * `{ id, name, message }`, `name` being `InvalidRequestError` or `EncoderInputError`, and is
 * stored nowhere.
 *
 * @summary Privacy-first recommendations, computed on this device from a pre-embedded catalog.
 *
 * @fires {CustomEvent<RecsReadyDetail>} recs-ready - The engine has started and the catalog is loaded: `{ catalog, itemCount, backend }`.
 * @fires {CustomEvent<RecsUpdateDetail>} recs-update - A new list is shown: `{ items }`, each item with its `explanation`.
 * @fires {CustomEvent<RecsErrorDetail>} recs-error - The widget shows a problem instead of a list: `{ message }`, the text it shows.
 * @fires {CustomEvent<RecsSelectDetail>} recs-select - A card was chosen: `{ item, href }`. Cancelable: `preventDefault()` keeps the page (client-side routing); the click is stored either way.
 *
 * @csspart heading - The list's heading (an `h2`).
 * @csspart list - The list of cards (a `ul`, scrolling sideways when the cards do not fit).
 * @csspart item - A card: a link with `item-href`, a button without.
 * @csspart image - The item's picture (or its initial when it has none).
 * @csspart title - The item's title.
 * @csspart why - The explanation's one-sentence summary.
 * @csspart message - The one line shown instead of a list: a problem, or nothing to recommend yet.
 * @csspart placeholder - A grey card shown while the engine starts.
 * @csspart video-badge - The "▶ Video" mark on a video item's card, whose `image` is its poster frame.
 *
 * @cssprop [--recs-accent=#2563eb] - Heading rule, hover border, focus ring.
 * @cssprop [--recs-font=inherit] - Font family.
 * @cssprop [--recs-text=inherit] - Text colour.
 * @cssprop [--recs-muted=#5f6b7a] - The "why" line and messages.
 * @cssprop [--recs-card-background=#fff] - Card background.
 * @cssprop [--recs-image-background=#f4f5f7] - Behind the picture.
 * @cssprop [--recs-border=rgb(0 0 0 / 10%)] - Card border.
 * @cssprop [--recs-radius=12px] - Card corners.
 * @cssprop [--recs-card-width=160px] - Width of a card.
 * @cssprop [--recs-gap=16px] - Space between cards.
 */
@customElement('ondevice-recs')
export class OnDeviceRecsElement extends LitElement {
  static override styles = widgetStyles;

  /** The catalog folder (with its manifest.json); required. A relative URL resolves against `assets`. */
  @property() catalog: string | undefined;
  /** `for-you` (default), `similar` (needs `item-id`) or `popular`. */
  @property() mode: string = 'for-you';
  /** The item `similar` finds neighbours of; may be set or changed later (the list follows). */
  @property({ attribute: 'item-id' }) itemId: string | undefined;
  /** How many items to show (default 8). */
  @property({ type: Number }) k = 8;
  /** Link template for an item, `{id}` replaced by the URL-encoded item id, e.g. `/product.html?id={id}`; only http(s) and relative links (anything else, `javascript:` included, shows the card as a button). */
  @property({ attribute: 'item-href' }) itemHref: string | undefined;
  /** Where models/, tfjs-wasm/ and relative catalogs are served (default: this script's folder). */
  @property() assets: string | undefined;
  /** How long a marked host element must be at least half visible to count as a view (default 1000 ms). */
  @property({ attribute: 'dwell-ms', type: Number }) dwellMs = 1000;
  /** The list's heading; `heading=""` hides it. Defaults to one per mode. */
  @property() heading: string | undefined;

  @state() private items: RecommendedItem[] = [];
  @state() private phase: 'waiting' | 'ready' | 'failed' = 'waiting';
  @state() private message = '';
  /** Events in the catalog's interaction log, once it is loaded (the `popular` heading depends on it). */
  @state() private shopperEvents: number | undefined;

  private session: CatalogSession | undefined;
  /** Whether the attributes have been turned into a session (or a message) since the last connect. */
  private bound = false;
  private unsubscribe: (() => void) | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every (re)bind and refresh, so a late answer never overwrites a newer one. */
  private generation = 0;
  private stopHearingForget: (() => void) | undefined;
  /** Lists lost to an engine crash in a row (reset by a list that arrives). */
  private crashes = 0;

  /** The list shown now. */
  get recommendations(): readonly RecommendedItem[] {
    return this.items;
  }

  /** The shared recommender of this widget's catalog (rejects when it could not start). */
  recommender(): Promise<Recommender> {
    return this.session ? this.session.recommender() : Promise.reject(new Error(this.message || 'this widget has no catalog'));
  }

  /**
   * Record an event for an item of this widget's catalog; every widget on the catalog refreshes.
   * `track('review', id, { text })` answers the review's polarity (`result.review`).
   */
  async track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<TrackResult> {
    if (!this.session) throw new Error(this.message || 'this widget has no catalog');
    return this.session.track(type, itemId, extra);
  }

  /** Ask for a new list now. */
  refresh(): void {
    this.scheduleRefresh(0);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    joinPageTracking(this, this.dwellMs);
    joinContentTracking(this, this.dwellMs);
    // Forgotten in any tab: no list from the old history stays.
    this.stopHearingForget = onProfileForgotten(() => this.scheduleRefresh(0));
    // Re-attached after a removal: bind again on the next update.
    if (!this.bound) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    leavePageTracking(this);
    leaveContentTracking(this);
    this.stopHearingForget?.();
    this.stopHearingForget = undefined;
    this.unbind();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('dwellMs') && this.isConnected) {
      joinPageTracking(this, this.dwellMs);
      joinContentTracking(this, this.dwellMs);
    }
    if (changed.has('catalog') || changed.has('assets') || !this.bound) {
      if (this.isConnected) this.bind();
    } else if (changed.has('mode') || changed.has('itemId') || changed.has('k')) {
      this.scheduleRefresh(0);
    }
  }

  private bind(): void {
    this.unbind();
    this.bound = true;
    ++this.generation;
    if (!this.catalog?.trim()) {
      this.fail('this widget has no catalog attribute (the URL of a catalog folder).');
      return;
    }
    const assetsBaseUrl = new URL(this.assets ?? SCRIPT_FOLDER, document.baseURI).href;
    const session = sessionFor(new URL(this.catalog, assetsBaseUrl).href, assetsBaseUrl, this);
    this.session = session;
    this.phase = 'waiting';
    this.message = '';
    this.unsubscribe = session.onStored(() => this.scheduleRefresh(REFRESH_DEBOUNCE_MS));
    session.recommender().then(
      (recs) => {
        if (this.session !== session) return;
        this.shopperEvents = recs.catalog.shopperEvents;
        this.dispatchEvent(
          widgetEvent<RecsReadyDetail>('recs-ready', { catalog: recs.catalog.name, itemCount: recs.catalog.itemCount, backend: recs.engine.report.backend }),
        );
        void this.loadList();
      },
      (error: unknown) => {
        if (this.session === session) this.fail(`${messageOf(error)}.`);
      },
    );
  }

  private unbind(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // The engine of a catalog no widget shows any more is ended (shared-engine-registry.ts).
    if (this.session) releaseSession(this.session, this);
    this.session = undefined;
    this.crashes = 0;
    this.bound = false;
    clearTimeout(this.refreshTimer);
  }

  private scheduleRefresh(delayMs: number): void {
    if (!this.session || !this.isConnected) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.loadList(), delayMs);
  }

  private async loadList(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const generation = ++this.generation;
    const request = this.request();
    if (typeof request === 'string') {
      this.fail(request);
      return;
    }
    try {
      const recs = await session.recommender();
      const items = await recs.recommend(request);
      if (generation !== this.generation) return;
      this.items = items;
      this.phase = 'ready';
      this.crashes = 0;
      this.message = items.length === 0 ? 'Nothing to recommend here yet.' : '';
      this.dispatchEvent(widgetEvent<RecsUpdateDetail>('recs-update', { items }));
    } catch (error) {
      if (generation !== this.generation) return;
      if (isEngineLost(error) && this.crashes < CRASH_RETRIES) {
        // The engine stopped; the next call starts a new one (the profile is kept): say so quietly and ask again.
        this.crashes += 1;
        this.fail('the recommender stopped and is starting again.');
        this.scheduleRefresh(CRASH_RETRY_MS);
        return;
      }
      this.fail(`${messageOf(error)}.`);
    }
  }

  /** The request for the engine, or what is wrong with the attributes. */
  private request(): RecommendRequest | string {
    const mode = this.mode as WidgetMode;
    if (!WIDGET_MODES.includes(mode)) return `mode="${this.mode}" is not one of ${WIDGET_MODES.join(', ')}.`;
    if (!Number.isInteger(this.k) || this.k < 1) return `k="${this.getAttribute('k') ?? this.k}" must be a whole number of items, at least 1.`;
    if (mode === 'similar') {
      if (!this.itemId) return 'mode="similar" needs an item-id attribute.';
      return { mode, k: this.k, itemId: this.itemId };
    }
    return { mode, k: this.k };
  }

  private fail(reason: string): void {
    this.phase = 'failed';
    this.items = [];
    this.message = `Recommendations are unavailable: ${reason}`;
    this.dispatchEvent(widgetEvent<RecsErrorDetail>('recs-error', { message: this.message }));
  }

  /** The item's link from `item-href`, or undefined (a button) when there is none or it is not an http(s) or relative link (`javascript:`, `data:` …). */
  private hrefFor(item: RecommendedItem): string | undefined {
    const href = this.itemHref?.replaceAll('{id}', encodeURIComponent(item.id));
    if (href === undefined) return undefined;
    try {
      return SAFE_LINK_SCHEMES.includes(new URL(href, document.baseURI).protocol) ? href : undefined;
    } catch {
      return undefined;
    }
  }

  private onSelect(event: MouseEvent, item: RecommendedItem): void {
    const href = this.hrefFor(item);
    const proceed = this.dispatchEvent(widgetEvent<RecsSelectDetail>('recs-select', href ? { item, href } : { item }, true));
    const stored = this.session?.track('click', item.id).catch(() => undefined);
    if (!proceed) {
      event.preventDefault();
      return;
    }
    // A plain click on a link: let the click reach the profile before the page goes away, briefly.
    const plainClick = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (!href || !plainClick) return;
    event.preventDefault();
    void Promise.race([stored, new Promise((resolve) => setTimeout(resolve, CLICK_STORE_WAIT_MS))]).then(() =>
      location.assign(new URL(href, document.baseURI).href),
    );
  }

  override render() {
    const mode = (WIDGET_MODES as readonly string[]).includes(this.mode) ? (this.mode as WidgetMode) : 'for-you';
    const heading = this.heading ?? this.defaultHeading(mode);
    return html`
      ${heading ? html`<h2 part="heading">${heading}</h2>` : nothing}
      ${this.phase === 'failed' ? html`<p class="message" part="message" role="status">${this.message}</p>` : nothing}
      ${this.phase === 'waiting' ? this.renderPlaceholders() : nothing} ${this.phase === 'ready' ? this.renderList() : nothing}
    `;
  }

  /** Until the catalog is loaded a `popular` list cannot tell whether it is popular: a blank line keeps the layout. */
  private defaultHeading(mode: WidgetMode): string {
    if (mode !== 'popular') return DEFAULT_HEADINGS[mode];
    if (this.shopperEvents === undefined) return '\u00a0';
    return this.shopperEvents > 0 ? DEFAULT_HEADINGS.popular : NO_SHOPPER_DATA_HEADING;
  }

  private renderPlaceholders() {
    const count = Math.min(Math.max(Number.isInteger(this.k) ? this.k : 8, 1), 8);
    return html`<p class="visually-hidden" role="status">Loading recommendations…</p>
      <ul part="list" aria-hidden="true">
        ${Array.from({ length: count }, () => html`<li><div class="placeholder" part="placeholder"></div></li>`)}
      </ul>`;
  }

  private renderList() {
    if (this.items.length === 0) return html`<p class="message" part="message" role="status">${this.message}</p>`;
    return html`<ul part="list">
      ${this.items.map((item) => {
        const href = this.hrefFor(item);
        // A video item shows its poster frame (its imageUrl) with a "Video" mark.
        const body = html`<span class="picture"
            >${item.imageUrl ? html`<img part="image" src=${item.imageUrl} alt="" loading="lazy" decoding="async" />` : html`<span class="initial" part="image" aria-hidden="true">${item.title.slice(0, 1)}</span>`}${item.videoUrl ? html`<span class="video-badge" part="video-badge"><span aria-hidden="true">▶ </span>Video</span>` : nothing}</span
          >
          <span class="title" part="title">${item.title}</span>
          <span class="why" part="why" title=${item.explanation.summary}>${item.explanation.summary}</span>`;
        return html`<li data-item-id=${item.id}>
          ${
            href
              ? html`<a class="card" part="item" href=${href} @click=${(event: MouseEvent) => this.onSelect(event, item)}>${body}</a>`
              : html`<button class="card" part="item" type="button" @click=${(event: MouseEvent) => this.onSelect(event, item)}>${body}</button>`
          }
        </li>`;
      })}
    </ul>`;
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // The engine names the call ("recommend: unknown item id …"); visitors need only the problem.
  return text
    .replace(/^\[[a-z-]+\] /, '')
    .replace(/^recommend: /, '')
    .replace(/\.$/, '');
}

declare global {
  interface HTMLElementTagNameMap {
    'ondevice-recs': OnDeviceRecsElement;
  }
}

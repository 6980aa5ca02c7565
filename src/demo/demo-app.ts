import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Recommender } from '../client/create-recommender.ts';
import type { CatalogItemCard } from '../protocol/catalog-view.ts';
import type { ServedCatalogBuildStatus } from '../protocol/catalog-build-status.ts';
import type { BackendReport, CatalogSummary } from '../protocol/engine-api.ts';
import type { ProgressUpdate } from '../protocol/progress.ts';
import type { RecommendedItem, TrackExtra, TrackedEventType } from '../protocol/recommend.ts';
import { categoryLabel, isInCategory } from './category-path.ts';
import { buildCategoryTree, type CategoryNode } from './category-tree.ts';
import type { ItemView } from './item-view.ts';
import { ProgressLog } from './progress-log.ts';
import { tapWarmUpProgress } from './tap-warm-up-progress.ts';
import './backend-status.ts';
import './catalog-build-view.ts';
import './catalog-grid.ts';
import './catalog-status.ts';
import './category-nav.ts';
import './item-view.ts';
import './loading-view.ts';
import './rec-rail.ts';
import './embedding-map.ts';
import './example-search.ts';
import './privacy-panel.ts';

/** Items per rail. */
const RAIL_SIZE = 10;
/** The item a URL opens: `#item=<id>`, so Back and shared links work. */
const ITEM_HASH = /^#item=(.+)$/;

/** What the page keeps in `history.state` for an open item: which one, and how many item pages deep. */
interface ItemHistoryState {
  item: string;
  depth: number;
}

/** A `#item=` value decoded, or undefined when it is not valid percent-encoding (`%E0%A4%A`): a bad link opens the shop, it does not throw. */
function decodedOrUndefined(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function itemHistoryState(value: unknown): ItemHistoryState | undefined {
  const state = value as Partial<ItemHistoryState> | null;
  return state && typeof state.item === 'string' && typeof state.depth === 'number' ? { item: state.item, depth: state.depth } : undefined;
}

/** The focused element, looking inside shadow roots (a card's button lives in one). */
function deepActiveElement(): HTMLElement | undefined {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : undefined;
}

/**
 * The demo shop: header, loading view, category navigation, catalog grid, rails ("Recommended
 * for you", the cold-start rail, "Similar to this" in the item view), search by example, the catalog map
 * and the privacy panel. It owns the page's state; main.ts starts the engine and feeds it in.
 *
 * Views are tracked when the user leaves the item (Back, another item, the tab hidden), with the
 * dwell time measured on the page, so a glance weighs less than a long look; "Recommended for
 * you" is refreshed right after.
 *
 * Rendered into the light DOM, so the page's stylesheet lays it out and the skip links reach
 * their targets.
 */
@customElement('demo-app')
export class DemoApp extends LitElement {
  @state() private report: BackendReport | undefined;
  @state() private engineError = '';
  @state() private withCatalog = true;
  @state() private summary: CatalogSummary | undefined;
  @state() private catalogError = '';
  /** The default catalog's build, while the first `npm start` runs it (dev server only). */
  @state() private catalogBuild: ServedCatalogBuildStatus | undefined;
  @state() private recs: Recommender | undefined;
  /** The recommender the search box gets: the same one, with its model downloads shown in the loading status too. */
  @state() private searchRecs: Recommender | undefined;
  @state() private cards: CatalogItemCard[] = [];
  @state() private cardsById = new Map<string, CatalogItemCard>();
  @state() private tree: CategoryNode[] = [];
  @state() private category = '';
  @state() private openItemId: string | undefined;
  @state() private forYou: RecommendedItem[] = [];
  @state() private forYouBusy = false;
  @state() private hasHistory = false;
  @state() private popular: RecommendedItem[] = [];
  @state() private popularBusy = false;
  @state() private railError = '';
  @state() private viewedIds: string[] = [];
  @state() private progressRevision = 0;

  private readonly progressLog = new ProgressLog();
  private forYouTicket = 0;
  private openedAt = 0;
  private viewTracked = true;
  private returnFocus: HTMLElement | undefined;
  private returnScrollY = 0;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    this.addEventListener('item-select', this.onItemSelect);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this.onPopState);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.removeEventListener('item-select', this.onItemSelect);
    super.disconnectedCallback();
  }

  // ── Fed by main.ts ──────────────────────────────────────────────────────────

  /** One progress update from the engine (start-up, catalog, later model downloads). */
  addProgress(update: ProgressUpdate): void {
    this.progressLog.add(update);
    this.progressRevision += 1;
  }

  engineStarted(report: BackendReport): void {
    this.report = report;
  }

  engineFailed(message: string): void {
    this.engineError = message;
  }

  /** `?catalog=none`: the engine runs without a catalog (tests load their own). */
  catalogSkipped(): void {
    this.withCatalog = false;
  }

  catalogFailed(message: string): void {
    this.catalogBuild = undefined;
    this.catalogError = message;
  }

  /** The first `npm start` is still building the default catalog: show how far. */
  catalogBuilding(status: ServedCatalogBuildStatus): void {
    this.catalogBuild = status;
  }

  async catalogLoaded(summary: CatalogSummary, recs: Recommender): Promise<void> {
    this.catalogBuild = undefined;
    this.summary = summary;
    try {
      const cards = await recs.items();
      this.cards = cards;
      this.cardsById = new Map(cards.map((c) => [c.id, c]));
      this.tree = buildCategoryTree(cards);
    } catch (error) {
      this.catalogError = `The catalog's items could not be listed: ${(error as Error).message}`;
      return;
    }
    this.recs = recs;
    this.searchRecs = tapWarmUpProgress(recs, (update) => this.addProgress(update));
    void this.loadHistory();
    void this.refreshPopular();
    void this.refreshForYou();
    this.onPopState();
  }

  // ── Rendering ───────────────────────────────────────────────────────────────

  override render() {
    const ready = this.report !== undefined && (!this.withCatalog || this.recs !== undefined);
    const problem = this.engineError || this.catalogError;
    const detailsOpen = Boolean(problem) || (this.report?.notices.length ?? 0) > 0;
    return html`
      <a class="skip-link" href="#main">Skip to main content</a>
      ${this.recs ? html`<a class="skip-link" href="#browse">Skip to the catalog</a>` : nothing}
      <header class="site-header">
        <div class="site-header__inner">
          <div class="brand">
            <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
              <rect x="2" y="2" width="28" height="28" rx="8"></rect>
              <path d="M10 17.5l4 4 8-10" fill="none" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"></path>
            </svg>
            <div>
              <h1>Stamp Shop <span class="brand__sub">on-device recommendations</span></h1>
              <p class="promise">Everything runs in this browser tab. Nothing about you leaves the device.</p>
            </div>
          </div>
          <p class="backend-badge" data-testid="header-backend">
            ${
              this.report
                ? html`<span class="backend-badge__label">Backend</span> <strong>${this.report.backend}</strong>
                    <span class="backend-badge__mode">${this.report.mode}</span>`
                : this.engineError
                  ? 'Engine stopped'
                  : 'Starting engine…'
            }
          </p>
        </div>
      </header>
      <main id="main" tabindex="-1">
        ${this.catalogBuild ? html`<catalog-build-view class="page-section" .status=${this.catalogBuild}></catalog-build-view>` : nothing}
        <loading-view
          class="page-section"
          .log=${this.progressLog}
          revision=${this.progressRevision}
          .report=${this.report}
          .summary=${this.summary}
          ?with-catalog=${this.withCatalog}
          ?ready=${ready}
          error=${problem}
        ></loading-view>
        ${this.recs ? this.renderShop(this.recs) : nothing}
        <details class="engine-details page-section" ?open=${detailsOpen}>
          <summary>Engine details: backend measurements and catalog</summary>
          <backend-status .report=${this.report} error=${this.engineError}></backend-status>
          ${this.withCatalog ? html`<catalog-status .summary=${this.summary} error=${this.catalogError}></catalog-status>` : nothing}
        </details>
      </main>
      <footer class="site-footer">
        <p>
          Catalog: Tux Paint stamps (pictures, sounds and descriptions), GPL-2.0-or-later;
          <a href="catalogs/tuxpaint/NOTICE">notice</a> and <a href="catalogs/tuxpaint/COPYRIGHT">copyright</a>. The recommender, its models and your profile
          stay in this browser.
        </p>
      </footer>
    `;
  }

  private renderShop(recs: Recommender) {
    const open = this.openItemId ? this.cardsById.get(this.openItemId) : undefined;
    return html`
      <div class="home" ?hidden=${open !== undefined}>
        <example-search class="page-section" .recs=${this.searchRecs} @example-results=${this.onExampleResults}></example-search>
        ${this.railError ? html`<p class="page-error page-section" role="alert">${this.railError}</p>` : nothing}
        <rec-rail
          class="page-section"
          data-rail="for-you"
          data-testid="for-you-rail"
          heading="Recommended for you"
          caption=${this.hasHistory ? 'From what you looked at and searched for, ranked in this tab.' : ''}
          .items=${this.hasHistory ? this.forYou : []}
          ?busy=${this.forYouBusy && this.hasHistory}
          empty-text="Open a few items or search by example, and suggestions based on them appear here. They are worked out in this tab; nothing is sent anywhere."
        ></rec-rail>
        ${this.renderColdStartRail()}
        <div class="browse page-section" id="browse" tabindex="-1">
          <category-nav .tree=${this.tree} total=${this.cards.length} selected=${this.category} @category-select=${this.onCategorySelect}></category-nav>
          <catalog-grid .items=${this.categoryItems()} heading=${categoryLabel(this.category)}></catalog-grid>
        </div>
        <div class="insights page-section">
          <embedding-map
            .recs=${recs}
            .highlightHistory=${this.viewedIds}
            .highlightRecommended=${this.hasHistory ? this.forYou.map((i) => i.id) : []}
          ></embedding-map>
          <privacy-panel .recs=${recs} @profile-forgotten=${this.onProfileForgotten}></privacy-panel>
        </div>
      </div>
      ${
        open
          ? html`<item-view class="page-section" .item=${open} .recs=${recs} @item-close=${this.closeItem} @review-saved=${this.onExampleResults}></item-view>`
          : nothing
      }
    `;
  }

  /**
   * The cold-start rail says what it shows: what shoppers look at most when the catalog was
   * built with a shop's interaction log, else (the default catalog) the items most typical of
   * their categories, since there is no shopper data to call anything popular.
   */
  private renderColdStartRail() {
    const withShoppers = (this.summary?.shopperEvents ?? 0) > 0;
    return html`<rec-rail
      class="page-section"
      data-rail="popular"
      data-testid="popular-rail"
      heading=${withShoppers ? 'Popular' : 'Typical of each category'}
      caption=${
        withShoppers
          ? 'What shoppers look at most, from the shop’s anonymised interaction log.'
          : 'This catalog has no shopper data yet, so these are the items closest to the centre of their top-level category (by their vectors), a few from each.'
      }
      .items=${this.popular}
      ?busy=${this.popularBusy}
    ></rec-rail>`;
  }

  private categoryItems(): CatalogItemCard[] {
    return this.category === '' ? this.cards : this.cards.filter((c) => isInCategory(c.category, this.category));
  }

  // ── Rails ───────────────────────────────────────────────────────────────────

  /** For-you needs a history; until there is one the rail shows a hint instead of popular items twice. */
  private async refreshForYou(): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    const ticket = ++this.forYouTicket;
    this.forYouBusy = true;
    try {
      const profile = await recs.profile();
      const hasHistory = profile.events + profile.adhocItems > 0;
      const items = hasHistory ? await recs.recommend({ mode: 'for-you', k: RAIL_SIZE }) : [];
      if (ticket !== this.forYouTicket) return;
      this.hasHistory = hasHistory;
      this.forYou = items;
      this.railError = '';
    } catch (error) {
      if (ticket === this.forYouTicket) this.railError = `Recommendations could not be updated: ${(error as Error).message}`;
    } finally {
      if (ticket === this.forYouTicket) this.forYouBusy = false;
    }
  }

  private async refreshPopular(): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    this.popularBusy = true;
    try {
      this.popular = await recs.recommend({ mode: 'popular', k: RAIL_SIZE });
    } catch (error) {
      this.railError = `The cold-start rail could not be loaded: ${(error as Error).message}`;
    } finally {
      this.popularBusy = false;
    }
  }

  /** The items viewed before (the profile survives reloads), for the map's highlights. */
  private async loadHistory(): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    try {
      const exported = await recs.exportData();
      const viewed = exported.events.flatMap((e) => (e.type === 'view' && e.itemId !== undefined ? [e.itemId] : []));
      this.viewedIds = [...new Set([...viewed, ...this.viewedIds])];
    } catch {
      // The map simply shows no history; the privacy panel reports storage problems itself.
    }
  }

  // ── Items: open, close, track ───────────────────────────────────────────────

  private readonly onItemSelect = (event: CustomEvent<{ id: string }>): void => {
    const fromForYou = event.composedPath().some((target) => target instanceof HTMLElement && target.dataset.rail === 'for-you');
    this.openItem(event.detail.id, fromForYou);
  };

  /** Opens an item as a new history entry (Back returns); a second event for the open item is ignored. */
  private openItem(id: string, fromForYou = false): void {
    if (id === this.openItemId || !this.cardsById.has(id)) return;
    if (this.openItemId === undefined) {
      this.returnFocus = deepActiveElement();
      this.returnScrollY = window.scrollY;
    }
    const depth = (itemHistoryState(history.state)?.depth ?? 0) + 1;
    history.pushState({ item: id, depth } satisfies ItemHistoryState, '', `#item=${encodeURIComponent(id)}`);
    void this.showItem(id);
    // A pick from the for-you list teaches the personal model (the engine learns from clicks on what it showed).
    if (fromForYou) void this.track('click', id);
  }

  /** Back to the shop, however many items deep. */
  private readonly closeItem = (): void => {
    const depth = itemHistoryState(history.state)?.depth ?? 0;
    if (depth > 0) {
      history.go(-depth);
    } else {
      history.replaceState(null, '', `${location.pathname}${location.search}`);
      void this.showItem(undefined);
    }
  };

  private readonly onPopState = (): void => {
    if (!this.recs) return;
    const fromState = itemHistoryState(history.state)?.item;
    const fromHash = ITEM_HASH.exec(location.hash)?.[1];
    const id = fromState ?? (fromHash ? decodedOrUndefined(fromHash) : undefined);
    if (id !== undefined && !history.state && this.cardsById.has(id)) history.replaceState({ item: id, depth: 0 } satisfies ItemHistoryState, '');
    void this.showItem(id !== undefined && this.cardsById.has(id) ? id : undefined);
  };

  private async showItem(id: string | undefined): Promise<void> {
    if (id === this.openItemId) return;
    this.finishView();
    this.openItemId = id;
    if (id !== undefined) {
      this.openedAt = performance.now();
      this.viewTracked = false;
    }
    await this.updateComplete;
    if (id !== undefined) {
      window.scrollTo({ top: 0 });
      const view = this.querySelector<ItemView>('item-view');
      await view?.updateComplete;
      view?.focusTitle();
    } else {
      window.scrollTo({ top: this.returnScrollY });
      if (this.returnFocus?.isConnected) this.returnFocus.focus({ preventScroll: true });
      this.returnFocus = undefined;
    }
  }

  /** Records the open item's view once, with how long it was open. */
  private finishView(): void {
    if (this.openItemId === undefined || this.viewTracked) return;
    this.viewTracked = true;
    void this.track('view', this.openItemId, { dwellMs: Math.round(performance.now() - this.openedAt) });
  }

  private readonly onVisibilityChange = (): void => {
    // The tab may be closed without coming back: record the view now rather than never.
    if (document.visibilityState === 'hidden') this.finishView();
  };

  private async track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    try {
      await recs.track(type, itemId, extra);
      if (type === 'view') this.viewedIds = [...this.viewedIds.filter((id) => id !== itemId), itemId];
      window.dispatchEvent(new CustomEvent('profile-changed'));
      await this.refreshForYou();
    } catch (error) {
      this.railError = `Your visit could not be remembered: ${(error as Error).message}`;
    }
  }

  // ── Other elements' events ──────────────────────────────────────────────────

  private readonly onCategorySelect = (event: CustomEvent<{ path: string }>): void => {
    this.category = event.detail.path;
  };

  /** A search example (or a review) joins the profile: for-you changes with it. */
  private readonly onExampleResults = (): void => {
    window.dispatchEvent(new CustomEvent('profile-changed'));
    void this.refreshForYou();
  };

  /** Forget-me: nothing of the old profile may linger on the page either. */
  private readonly onProfileForgotten = (): void => {
    this.viewTracked = true; // the open item's view must not be written after forgetting
    this.viewedIds = [];
    this.forYou = [];
    this.hasHistory = false;
    if (this.openItemId !== undefined) this.closeItem();
    void this.refreshForYou();
    void this.refreshPopular();
    window.dispatchEvent(new CustomEvent('profile-changed'));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'demo-app': DemoApp;
  }
}

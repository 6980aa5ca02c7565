import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Recommender } from '../client/create-recommender.ts';
import { DEFAULT_DB_NAME } from '../protocol/profile.ts';
import type { ProfileSummary } from '../protocol/recommend.ts';
import { shopDataPrivacy } from './shop-data-privacy.ts';
import { panelStyles, sharedStyles } from './shared-styles.ts';

export const EXPORT_FILE_NAME = 'ondevice-recs-profile.json';

/** The object stores of the profile database (src/engine/store/migrations.ts), named for people. */
const STORES = ['events', 'adhoc-items', 'model-states', 'meta'];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What the recommender keeps about the user, in plain words and numbers (`recs.profile()`),
 * where it is kept and what never leaves the device; "Export my data" downloads
 * `recs.exportData()` as JSON, "Forget me" (after a confirm step in the panel) calls
 * `recs.forget()` and dispatches `profile-forgotten`. Call `refresh()` after tracking events;
 * a `profile-changed` event on window does the same.
 */
@customElement('privacy-panel')
export class PrivacyPanel extends LitElement {
  @property({ attribute: false }) recs: Recommender | undefined;
  /** The IndexedDB database the profile lives in (the engine's `profileName` option). */
  @property({ type: String, attribute: 'database-name' }) databaseName = DEFAULT_DB_NAME;

  @state() private summary: ProfileSummary | undefined;
  @state() private confirming = false;
  @state() private working: '' | 'export' | 'forget' = '';
  @state() private notice = '';
  @state() private error = '';

  @query('#forget') private forgetButton!: HTMLButtonElement;
  @query('#confirm-forget') private confirmButton!: HTMLButtonElement;

  static override styles = [
    sharedStyles,
    panelStyles,
    css`
      h3 {
        margin: 1rem 0 0.35rem;
        font-size: 1rem;
      }
      p {
        margin: 0 0 0.5rem;
      }
      .muted {
        color: var(--ink-muted, #4a4a4a);
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
        gap: 0.75rem;
        margin: 0.75rem 0 0;
      }
      dl > div {
        display: flex;
        flex-direction: column;
        padding: 0.75rem 0.9rem;
        border: 1px solid var(--line, #e1e4ea);
        border-radius: 12px;
        background: var(--picture-bg, #f7f8fa);
      }
      dt {
        font-weight: 600;
        font-size: 0.925rem;
        order: 1;
      }
      dd {
        margin: 0;
      }
      dd.count {
        order: 0;
        font-size: 1.75rem;
        font-weight: 700;
        line-height: 1.1;
        font-variant-numeric: tabular-nums;
      }
      dd.what {
        order: 2;
        font-size: 0.85rem;
        color: var(--ink-muted, #4a4a4a);
      }
      code {
        font-size: 0.875em;
        background: var(--track, #e6e9ef);
        padding: 0.05em 0.3em;
        border-radius: 4px;
      }
      ul {
        margin: 0;
        padding-left: 1.2rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        margin-top: 1rem;
      }
      .button.danger {
        color: #a4161a;
        border-color: #a4161a;
      }
      .button.danger:hover {
        background: #fde7e9;
      }
      .button.danger.solid {
        background: #a4161a;
        color: #fff;
      }
      .button.danger.solid:hover {
        background: #7f1014;
      }
      .confirm {
        margin-top: 0.75rem;
        padding: 0.75rem 0.9rem;
        border: 2px solid #a4161a;
        border-radius: 12px;
        background: #fff5f5;
      }
      .confirm .actions {
        margin-top: 0;
      }
      .confirm p {
        margin: 0 0 0.6rem;
        font-weight: 600;
      }
      .notice {
        margin: 0.75rem 0 0;
        min-height: 1.5em;
      }
      .error {
        margin: 0.75rem 0 0;
        padding: 0.6em 0.8em;
        background: #fde7e9;
        border-left: 4px solid #b3261e;
        color: #5c0a0a;
        border-radius: 4px;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('profile-changed', this.onProfileChanged);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('profile-changed', this.onProfileChanged);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('recs') && this.recs) void this.refresh();
  }

  /** Reads the counts again (after the page tracked something). */
  async refresh(): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    try {
      this.summary = await recs.profile();
    } catch (error) {
      this.error = `What is stored could not be read: ${(error as Error).message}`;
    }
  }

  override render() {
    const s = this.summary;
    return html`
      <section aria-labelledby="privacy-heading" aria-busy=${this.working ? 'true' : 'false'}>
        <h2 id="privacy-heading">Your data</h2>
        <p>Everything the recommender knows about you is kept in this browser, on this device.</p>
        ${s ? this.renderCounts(s) : html`<p class="muted" role="status">Reading what is stored…</p>`}
        ${s?.notice ? html`<p class="notice" data-testid="profile-storage-notice">${s.notice}</p>` : nothing}

        <h3>Where it is kept</h3>
        <p>
          In this browser’s IndexedDB, in a database called <code>${this.databaseName}</code> (stores
          ${STORES.map((name, i) => html`${i > 0 ? (i === STORES.length - 1 ? ' and ' : ', ') : ''}<code>${name}</code>`)}), for this site only. The shop’s
          catalog (Cache API <code>ondevice-recs-catalog-v1</code>) and the models are cached by the browser too; they are the same for everyone, say nothing
          about you, and stay when you choose “Forget me”, which also removes the backend measured for this device (<code>ondevice-recs-engine</code>).
        </p>

        <h3>What never leaves this device</h3>
        <ul>
          <li>What you view, click, put in the cart, buy or dismiss.</li>
          <li>The words, pictures and sounds you search with, and their vectors.</li>
          <li>Your personal model and every recommendation made for you: they are computed in this tab.</li>
        </ul>
        <p class="muted">The page only downloads the catalog and the models from this site. There is no account and no server-side log.</p>
        ${shopDataPrivacy(this.recs?.catalog)}

        <div class="actions">
          <button type="button" class="button" @click=${this.exportData} ?disabled=${!this.recs || this.working !== ''}>Export my data</button>
          <button
            id="forget"
            type="button"
            class="button danger"
            aria-expanded=${this.confirming ? 'true' : 'false'}
            aria-controls="confirm"
            @click=${this.askToForget}
            ?disabled=${!this.recs || this.working !== ''}
          >
            Forget me
          </button>
        </div>
        ${
          this.confirming
            ? html`<div id="confirm" class="confirm" role="group" aria-labelledby="confirm-question">
                <p id="confirm-question">Delete everything stored about you in this browser? This cannot be undone.</p>
                <div class="actions">
                  <button id="confirm-forget" type="button" class="button danger solid" @click=${this.forget}>Yes, delete everything</button>
                  <button type="button" class="button" @click=${this.cancelForget}>Keep my data</button>
                </div>
              </div>`
            : nothing
        }
        <p class="notice" role="status" data-testid="privacy-notice">${this.notice}</p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
    `;
  }

  private renderCounts(s: ProfileSummary) {
    const empty = s.events + s.adhocItems + s.modelStates + s.pending === 0;
    return html`
      <p class="muted" data-testid="privacy-summary">
        ${
          empty
            ? 'Nothing is stored about you right now.'
            : `Stored now: ${plural(s.events, 'event')}, ${plural(s.adhocItems, 'example')}, ${plural(s.modelStates, 'personal model state')}${s.pending ? `, ${s.pending} waiting to be written` : ''}.`
        }
      </p>
      <dl>
        <div>
          <dt>Events</dt>
          <dd class="count" data-testid="privacy-events">${s.events}</dd>
          <dd class="what">Views, clicks, cart changes, purchases, dismissals, and which lists you were shown.</dd>
        </div>
        <div>
          <dt>Examples you gave</dt>
          <dd class="count" data-testid="privacy-examples">${s.adhocItems}</dd>
          <dd class="what">Words, pictures and sounds you searched with: kept as vectors with the text or file name, not the files.</dd>
        </div>
        <div>
          <dt>Personal model</dt>
          <dd class="count" data-testid="privacy-model-states">${s.modelStates}</dd>
          <dd class="what">Small sets of weights learned from your clicks, to rank the way you choose.</dd>
        </div>
        <div>
          <dt>Waiting to be written</dt>
          <dd class="count" data-testid="privacy-pending">${s.pending}</dd>
          <dd class="what">Events held in memory while the browser’s storage is full; written as soon as it has room.</dd>
        </div>
      </dl>
    `;
  }

  /** Any part of the page may announce that it changed the profile (`profile-changed` on window). */
  private readonly onProfileChanged = (): void => void this.refresh();

  private async exportData(): Promise<void> {
    const recs = this.recs;
    if (!recs) return;
    this.working = 'export';
    this.error = '';
    try {
      const data = await recs.exportData();
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = EXPORT_FILE_NAME;
      link.click();
      // The download has started from the click; the URL is not needed after this task.
      setTimeout(() => URL.revokeObjectURL(url));
      this.notice = `Downloaded ${EXPORT_FILE_NAME}: ${plural(data.events.length, 'event')}, ${plural(data.adhocItems.length, 'example')}, ${(blob.size / 1024).toFixed(0)} KB.`;
    } catch (error) {
      this.error = `Your data could not be exported: ${(error as Error).message}`;
    } finally {
      this.working = '';
    }
  }

  private async askToForget(): Promise<void> {
    this.confirming = !this.confirming;
    this.notice = '';
    if (this.confirming) {
      await this.updateComplete;
      this.confirmButton.focus();
    }
  }

  private async cancelForget(): Promise<void> {
    this.confirming = false;
    await this.updateComplete;
    this.forgetButton.focus();
  }

  private async forget(): Promise<void> {
    const recs = this.recs;
    if (!recs || this.working) return;
    this.working = 'forget';
    this.error = '';
    try {
      this.summary = await recs.forget();
      this.confirming = false;
      this.notice = 'Done: everything stored about you in this browser was deleted.';
      this.dispatchEvent(new CustomEvent<ProfileSummary>('profile-forgotten', { detail: this.summary, bubbles: true, composed: true }));
    } catch (error) {
      this.error = `Your data could not be deleted: ${(error as Error).message}`;
    } finally {
      this.working = '';
    }
    await this.updateComplete;
    this.forgetButton.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'privacy-panel': PrivacyPanel;
  }
  interface HTMLElementEventMap {
    'profile-forgotten': CustomEvent<ProfileSummary>;
  }
}

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Recommender } from '../client/create-recommender.ts';
import { MAX_REVIEW_CHARS } from '../protocol/limits.ts';
import type { ReviewVerdict } from '../protocol/recommend.ts';
import { sharedStyles } from './shared-styles.ts';

/**
 * "Your review" in the item view: the shopper writes a few words, the engine reads their
 * polarity (text encoder + sentiment head, in the worker) and shows it; a negative review
 * pushes the item and its look-alikes down in "Recommended for you", a positive one counts
 * like a purchase. The words stay in this browser's profile (export, forget).
 * Dispatches `review-saved` (detail: the verdict) once the review is stored.
 */
@customElement('review-box')
export class ReviewBox extends LitElement {
  @property({ type: String, attribute: 'item-id' }) itemId = '';
  @property({ attribute: false }) recs: Recommender | undefined;
  @state() private text = '';
  @state() private busy = false;
  @state() private verdict: ReviewVerdict | undefined;
  @state() private error = '';

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        margin: 0 0 1.25rem;
      }
      label {
        display: block;
        font-weight: 600;
        margin-bottom: 0.35rem;
      }
      textarea {
        display: block;
        box-sizing: border-box;
        width: min(100%, 32rem);
        min-height: 4.5rem;
        font: inherit;
        color: var(--ink);
        background: var(--surface);
        border: 1px solid var(--line-strong);
        border-radius: 8px;
        padding: 0.5rem;
        margin-bottom: 0.5rem;
      }
      .hint,
      .result {
        margin: 0.5rem 0 0;
        font-size: 0.9rem;
      }
      .hint {
        color: var(--ink-muted);
      }
      .error {
        margin: 0.5rem 0 0;
        color: var(--error-ink);
      }
    `,
  ];

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // Another item: a fresh box.
    if (changed.has('itemId') && changed.get('itemId') !== undefined) {
      this.text = '';
      this.verdict = undefined;
      this.error = '';
    }
  }

  override render() {
    const verdict = this.verdict;
    return html`
      <form @submit=${this.onSubmit} aria-busy=${this.busy ? 'true' : 'false'}>
        <label for="review">Your review</label>
        <textarea
          id="review"
          maxlength=${MAX_REVIEW_CHARS}
          aria-describedby="review-hint"
          .value=${this.text}
          @input=${this.onInput}
          data-testid="review-text"
        ></textarea>
        <button type="submit" class="button" ?disabled=${this.busy}>${this.busy ? 'Reading your review…' : 'Save review'}</button>
        <p class="hint" id="review-hint">Kept only in this browser. A negative review shows you fewer items like this one; a positive one, more.</p>
      </form>
      <div role="status" aria-live="polite">
        ${
          verdict
            ? html`<p class="result" data-testid="review-polarity" data-polarity=${verdict.polarity}>
                Read as <strong>${verdict.polarity}</strong> (${Math.round(verdict.positive * 100)} % positive).
              </p>`
            : nothing
        }
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }

  private onInput(event: Event): void {
    this.text = (event.target as HTMLTextAreaElement).value;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const recs = this.recs;
    if (!recs || this.busy) return;
    if (this.text.trim() === '') {
      this.error = 'Write a few words first.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const result = await recs.track('review', this.itemId, { text: this.text });
      this.verdict = result.review;
      this.dispatchEvent(new CustomEvent('review-saved', { detail: result.review, bubbles: true, composed: true }));
    } catch (error) {
      // The engine's message starts with its code ([empty-text], [text-too-long], [sentiment-unavailable]); people read the rest.
      this.error = `Your review could not be saved: ${(error as Error).message.replace(/^\[[a-z-]+\] /, '')}`;
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'review-box': ReviewBox;
  }
  interface HTMLElementEventMap {
    'review-saved': CustomEvent<ReviewVerdict | undefined>;
  }
}

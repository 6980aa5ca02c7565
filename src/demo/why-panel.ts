import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Explanation, RecommendedItem } from '../protocol/recommend.ts';
import { sharedStyles } from './shared-styles.ts';

/** The explanation's parts in reading order, with names for people (the bars never rely on colour alone). */
const MODALITY_PARTS = [
  { key: 'text', label: 'Text: title and description' },
  { key: 'image', label: 'Picture' },
  { key: 'audio', label: 'Sound' },
  { key: 'shared', label: 'Shared space: across text, picture and sound' },
] as const;
const SIGNAL_PARTS = [
  { key: 'sequential', label: 'Viewed next by other shoppers' },
  { key: 'coOccurrence', label: 'Viewed together by other shoppers' },
  { key: 'popularity', label: 'Popularity' },
  { key: 'learned', label: "Learned by the shop's model from shoppers' sessions" },
] as const;

/** A share as a whole percentage; a non-zero share too small to round up still shows. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1 %';
  return `${Math.round(share * 100)} %`;
}

/**
 * Why an item is recommended, from its `Explanation`: the engine's sentence, the history items
 * (or search examples) it comes from, and bars of where the score comes from: each modality's
 * similarity and the collaborative signals, each bar with its name and percentage.
 */
@customElement('why-panel')
export class WhyPanel extends LitElement {
  @property({ attribute: false }) item: RecommendedItem | undefined;

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        background: var(--surface);
        border: 1px solid var(--line);
        border-left: 4px solid var(--accent);
        border-radius: 12px;
        padding: 0.9rem 1.1rem;
        font-size: 0.9rem;
      }
      .summary {
        margin: 0 0 0.75rem;
        font-size: 1rem;
        font-weight: 600;
      }
      .columns {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
        gap: 0.5rem 2rem;
      }
      .label {
        margin: 0 0 0.35rem;
        font-size: 0.78rem;
        font-weight: 700;
        letter-spacing: 0.04em;
        text-transform: uppercase;
        color: var(--ink-muted);
      }
      ul {
        list-style: none;
        margin: 0 0 0.75rem;
        padding: 0;
      }
      .source {
        display: flex;
        gap: 0.5rem;
        justify-content: space-between;
        padding: 0.15rem 0;
      }
      .tag {
        font-size: 0.75rem;
        font-weight: 600;
        color: var(--accent-strong);
        background: var(--accent-soft);
        border-radius: 999px;
        padding: 0 0.5em;
        margin-left: 0.35em;
      }
      .bar-row {
        display: grid;
        grid-template-columns: minmax(9rem, 1.3fr) minmax(4rem, 1fr) 3.2rem;
        align-items: center;
        gap: 0.6rem;
        padding: 0.15rem 0;
      }
      .bar-row.part {
        padding-left: 1rem;
        font-size: 0.85rem;
        color: var(--ink-muted);
      }
      .track {
        height: 0.6rem;
        border-radius: 999px;
        background: var(--track);
        overflow: hidden;
      }
      .fill {
        display: block;
        height: 100%;
        border-radius: 999px;
        background: var(--bar, var(--accent));
      }
      .fill.text {
        --bar: var(--bar-text);
      }
      .fill.image {
        --bar: var(--bar-image);
      }
      .fill.audio {
        --bar: var(--bar-audio);
      }
      .fill.shared {
        --bar: var(--bar-shared);
      }
      .fill.collaborative,
      .fill.part {
        --bar: var(--bar-collaborative);
      }
      .pct {
        text-align: right;
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .rules {
        margin: 0;
        color: var(--ink-muted);
      }
    `,
  ];

  override render() {
    const item = this.item;
    if (!item) return nothing;
    const e = item.explanation;
    return html`
      <p class="summary" data-testid="why-summary">${e.summary}</p>
      <div class="columns">
        <div>
          ${this.renderSources(e)}
          <p class="label">Shop rules</p>
          <p class="rules" data-testid="why-rules">${e.rules.length ? e.rules.join('; ') : 'No rule changed its place.'}</p>
        </div>
        <div>
          <p class="label" id="shares-label">Where the score comes from</p>
          <ul aria-labelledby="shares-label" data-testid="why-shares">
            ${MODALITY_PARTS.filter((p) => e.modalities[p.key] !== undefined).map((p) => this.bar(p.key, p.label, e.modalities[p.key] ?? 0))}
            ${this.bar('collaborative', 'What other shoppers did', e.collaborative)}
            ${
              e.collaborative > 0
                ? SIGNAL_PARTS.filter((p) => e.signals[p.key] !== undefined).map((p) => this.bar(p.key, p.label, e.signals[p.key] ?? 0, true))
                : nothing
            }
          </ul>
        </div>
      </div>
    `;
  }

  private renderSources(e: Explanation) {
    if (e.because.length === 0)
      return html`<p class="label">Based on</p>
        <ul>
          <li>Nothing you did yet: this is what is popular.</li>
        </ul>`;
    return html`
      <p class="label" id="because-label">Because you looked at</p>
      <ul aria-labelledby="because-label" data-testid="why-because">
        ${e.because.map(
          (b) =>
            html`<li class="source">
              <span>${b.title ?? b.id}${b.adhoc ? html`<span class="tag">your search example</span>` : nothing}</span>
              <span class="pct">${formatShare(b.share)}</span>
            </li>`,
        )}
      </ul>
      ${
        e.learned && e.learned.from.length > 0
          ? html`<p class="label" id="model-from-label">The learned model (${formatShare(e.learned.share)} of the score) drew on</p>
              <ul aria-labelledby="model-from-label" data-testid="why-model-from">
                ${e.learned.from.map(
                  (f) =>
                    html`<li class="source">
                      <span>${f.title ?? f.id}</span>
                      <span class="pct">${formatShare(f.share)}</span>
                    </li>`,
                )}
              </ul>`
          : nothing
      }
    `;
  }

  /** One labelled bar; `part` rows are the pieces of the collaborative share and do not add to the total again. */
  private bar(key: string, label: string, share: number, part = false) {
    const width = `${Math.max(0, Math.min(1, share)) * 100}%`;
    return html`<li class="bar-row ${part ? 'part' : ''}" data-part=${key} data-share=${share} data-total-part=${part ? 'no' : 'yes'}>
      <span class="name">${label}</span>
      <span class="track" aria-hidden="true"><span class="fill ${part ? 'part' : key}" style=${styleMap({ width })}></span></span>
      <span class="pct">${formatShare(share)}</span>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'why-panel': WhyPanel;
  }
}

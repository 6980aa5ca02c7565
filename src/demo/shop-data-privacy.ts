import { html, nothing, type TemplateResult } from 'lit';
import type { CatalogSummary } from '../protocol/engine-api.ts';

/**
 * The privacy panel's paragraph on what the shop's catalog learnt from other shoppers: the
 * aggregates' minimum sessions K and, when the builder added noise, the budget ε (and δ), as
 * the catalog's manifest records them (`signals.privacy`, docs/privacy.md). Nothing for a
 * catalog built without an interaction log.
 */
export function shopDataPrivacy(catalog: Pick<CatalogSummary, 'shopperEvents' | 'shopperPrivacy'> | undefined): TemplateResult | typeof nothing {
  const privacy = catalog?.shopperPrivacy;
  if (!catalog || catalog.shopperEvents === 0 || !privacy) return nothing;
  return html`
    <h3>What the shop learnt from other shoppers</h3>
    <p data-testid="shop-data-privacy">
      The catalog carries counts over many shoppers’ visits (popular items, items seen together, what people looked at next), never one visit. An item or a pair
      seen in fewer than <strong data-testid="shop-data-min-sessions">${privacy.minSessions}</strong> visits was left
      out${
        privacy.epsilon !== undefined
          ? html`, and every count carries random noise calibrated to a privacy budget of ε =
              <strong data-testid="shop-data-epsilon">${privacy.epsilon}</strong>${privacy.delta !== undefined ? html` (δ = ${privacy.delta})` : nothing}:
              whether any one visit was in the shop’s log changes what the catalog says by at most a factor e<sup>ε</sup>.`
          : html`; the counts are exact (no noise was added: ε = <span data-testid="shop-data-epsilon">∞</span>).`
      }
    </p>
  `;
}

import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BackendReport } from '../protocol/engine-api.ts';
import { describeCandidate } from '../protocol/describe-backend-candidate.ts';

/** Shows which backend the engine runs on, why, and what the others measured. */
@customElement('backend-status')
export class BackendStatus extends LitElement {
  @property({ attribute: false }) report: BackendReport | undefined;
  @property({ type: String }) error = '';

  static override styles = css`
    :host {
      display: block;
      font:
        14px/1.4 system-ui,
        sans-serif;
    }
    .notice {
      background: #fff4ce;
      border-left: 4px solid #b58900;
      padding: 0.5em 0.75em;
      margin: 0.5em 0;
    }
    .error {
      background: #fde7e9;
      border-left: 4px solid #c50f1f;
      padding: 0.5em 0.75em;
    }
    table {
      border-collapse: collapse;
      margin-top: 0.5em;
    }
    td,
    th {
      padding: 0.2em 0.75em;
      text-align: left;
      border-bottom: 1px solid #ddd;
    }
    .chosen {
      font-weight: 600;
    }
  `;

  override render() {
    if (this.error) return html`<p class="error" role="alert" data-testid="engine-error">${this.error}</p>`;
    if (!this.report) return html`<p aria-live="polite">Starting the engine: measuring backends…</p>`;
    const r = this.report;
    return html`
      ${r.notices.map((n) => html`<p class="notice" role="alert" data-testid="engine-notice">${n}</p>`)}
      <p>
        Running on <strong data-testid="backend">${r.backend}</strong> (<span data-testid="backend-mode">${r.mode}</span>):
        <span data-testid="backend-reason">${r.reason}</span>
      </p>
      <table aria-label="Backend measurements">
        <thead>
          <tr>
            <th>backend</th>
            <th>probe</th>
          </tr>
        </thead>
        <tbody>
          ${r.candidates.map(
            (c) =>
              html`<tr class=${c.name === r.backend ? 'chosen' : ''}>
                <td>${c.name}</td>
                <td>${describeCandidate(c)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'backend-status': BackendStatus;
  }
}

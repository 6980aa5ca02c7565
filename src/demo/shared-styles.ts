import { css } from 'lit';

/**
 * Styles every demo element shares: the visible focus ring, text only screen readers read,
 * and the button look. Colours come from the page's custom properties (demo-page.css), which
 * cross shadow roots by inheritance.
 */
export const sharedStyles = css`
  :host {
    color: var(--ink);
    font: inherit;
  }
  /* An element's own display rule would otherwise beat the hidden attribute. */
  :host([hidden]) {
    display: none !important;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
    border-radius: 6px;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .button {
    position: relative;
    font: inherit;
    font-size: 0.875rem;
    font-weight: 600;
    color: var(--accent);
    background: var(--surface);
    border: 1px solid var(--line-strong);
    border-radius: 999px;
    padding: 0.3em 0.9em;
    cursor: pointer;
  }
  .button:hover {
    background: var(--accent-soft);
  }
  .button[aria-expanded='true'],
  .button[aria-pressed='true'] {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--on-accent);
  }
`;

/** A section of the page drawn as a card with its heading (search, the map, the privacy panel). */
export const panelStyles = css`
  :host {
    display: block;
    background: var(--surface, #fff);
    border: 1px solid var(--line, #e1e4ea);
    border-radius: 16px;
    padding: 1.25rem;
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1.3rem;
  }
`;

/** A full-width status card with a progress bar (the catalog build view and the loading view). */
export const statusCardStyles = css`
  :host {
    display: block;
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--line);
    border-radius: 16px;
    padding: 1.25rem 1.5rem;
    box-shadow: 0 1px 3px rgb(16 24 40 / 8%);
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1.25rem;
  }
  .lead {
    margin: 0 0 1rem;
    color: var(--ink-muted);
  }
  .bar {
    height: 0.75rem;
    background: var(--track);
    border-radius: 999px;
    overflow: hidden;
  }
  .bar .fill {
    display: block;
    height: 100%;
    background: var(--accent);
    border-radius: 999px;
    transition: width 200ms ease;
  }
`;

import { css } from 'lit';

/** <example-search>'s own styles (the shared and panel styles come first). */
export const exampleSearchStyles = css`
  h3 {
    margin: 0 0 0.5rem;
    font-size: 1rem;
  }
  .lead {
    margin: 0 0 1rem;
    color: var(--ink-muted, #4a4a4a);
  }
  .modes {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
    gap: 1rem;
  }
  .mode {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
    padding: 1rem;
    border: 1px solid var(--line, #e1e4ea);
    border-radius: 12px;
    background: var(--picture-bg, #f7f8fa);
  }
  label {
    font-weight: 600;
    font-size: 0.925rem;
  }
  .row {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
    align-items: center;
  }
  input[type='search'] {
    flex: 1 1 10rem;
    min-width: 0;
    font: inherit;
    padding: 0.4em 0.65em;
    border: 1px solid var(--line-strong, #667085);
    border-radius: 8px;
    color: inherit;
    background: var(--surface, #fff);
  }
  .button.primary {
    background: var(--accent, #0b57d0);
    border-color: var(--accent, #0b57d0);
    color: var(--on-accent, #fff);
  }
  .button.primary:hover {
    filter: brightness(0.92);
  }
  .button:disabled {
    cursor: not-allowed;
    opacity: 0.65;
  }
  .drop {
    font: inherit;
    color: inherit;
    flex: 1;
    min-height: 7.5rem;
    display: grid;
    place-items: center;
    gap: 0.35rem;
    padding: 0.75rem;
    border: 2px dashed var(--line-strong, #b9bfcb);
    border-radius: 10px;
    background: var(--surface, #fff);
    cursor: pointer;
    text-align: center;
  }
  .drop:hover,
  .drop.over {
    border-color: var(--accent, #0b57d0);
    background: var(--accent-soft, #e8f0fe);
  }
  .drop img {
    max-width: 5rem;
    max-height: 5rem;
    object-fit: contain;
  }
  .drop .pick {
    color: var(--accent, #0b57d0);
    font-weight: 600;
    text-decoration: underline;
  }
  .hint,
  .timer {
    margin: 0;
    font-size: 0.85rem;
    color: var(--ink-muted, #4a4a4a);
  }
  .timer {
    font-variant-numeric: tabular-nums;
  }
  .record-dot {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    background: currentColor;
    margin-right: 0.35em;
  }
  .recording .record-dot {
    border-radius: 2px;
  }
  .warning {
    margin: 0;
    padding: 0.4em 0.6em;
    font-size: 0.875rem;
    background: #fff4ce;
    border-left: 4px solid #8a6100;
    color: #3d2c00;
  }
  .status {
    min-height: 1.5em;
    margin: 0.75rem 0 0;
    font-size: 0.9rem;
    color: var(--ink-muted, #4a4a4a);
  }
  .status .bytes {
    margin-left: 0.5em;
    font-variant-numeric: tabular-nums;
  }
  .status progress {
    vertical-align: middle;
    width: 8rem;
    margin-left: 0.5em;
  }
  .error {
    margin: 0.75rem 0 0;
    padding: 0.6em 0.8em;
    background: #fde7e9;
    border-left: 4px solid #b3261e;
    color: #5c0a0a;
    border-radius: 4px;
  }
  rec-rail {
    margin-top: 1rem;
  }
`;

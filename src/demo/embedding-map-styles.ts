import { css, unsafeCSS } from 'lit';
import { MAP_HEIGHT, MAP_WIDTH } from './embedding-map-size.ts';

/** <embedding-map>'s own styles (the shared and panel styles come first). */
export const embeddingMapStyles = css`
  .lead {
    margin: 0 0 0.75rem;
    color: var(--ink-muted, #4a5161);
  }
  figure {
    margin: 0;
  }
  .plot {
    position: relative;
    contain: layout;
    aspect-ratio: ${unsafeCSS(`${MAP_WIDTH} / ${MAP_HEIGHT}`)};
    border: 1px solid var(--line, #e1e4ea);
    border-radius: 12px;
    background: var(--surface, #fff);
  }
  svg {
    display: block;
    width: 100%;
    height: 100%;
    border-radius: 12px;
  }
  svg:focus {
    outline: none;
  }
  .pt {
    cursor: pointer;
    stroke: #fff;
    stroke-width: 1;
  }
  .pt:focus {
    outline: none;
  }
  /* Highlighted points are drawn again, opaque, on top; the rest step back as one group (one style change, not thousands). */
  .dim .base {
    opacity: 0.4;
  }
  .shape {
    cursor: pointer;
    stroke: #fff;
    stroke-width: 1;
  }
  .shape.history {
    stroke: #111;
    stroke-width: 2.5;
  }
  .ring {
    fill: none;
    stroke: #111;
    stroke-width: 2.5;
    pointer-events: none;
  }
  .focus-ring {
    fill: none;
    stroke: var(--focus, #1a56db);
    stroke-width: 4;
    pointer-events: none;
  }
  .label {
    position: absolute;
    /* Its own layer: moving it must not repaint thousands of points. */
    will-change: transform;
    z-index: 1;
    display: flex;
    align-items: center;
    gap: 0.5rem;
    max-width: 16rem;
    padding: 0.35rem 0.6rem 0.35rem 0.35rem;
    background: var(--surface, #fff);
    color: var(--ink, #1b1b1b);
    border: 1px solid var(--line-strong, #667085);
    border-radius: 8px;
    box-shadow: 0 4px 14px rgb(16 24 40 / 16%);
    pointer-events: none;
    font-size: 0.875rem;
    line-height: 1.3;
    transform: translate(12px, -50%);
  }
  .label.flip {
    transform: translate(calc(-100% - 12px), -50%);
  }
  .label img {
    width: 2.5rem;
    height: 2.5rem;
    object-fit: contain;
    flex: none;
  }
  .label .title {
    font-weight: 600;
  }
  .label .meta {
    color: var(--ink-muted, #4a4a4a);
  }
  figcaption {
    margin-top: 0.5rem;
    font-size: 0.9rem;
    color: var(--ink-muted, #4a4a4a);
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem 1rem;
    list-style: none;
    margin: 0.6rem 0 0;
    padding: 0;
    font-size: 0.85rem;
  }
  .legend li {
    display: flex;
    align-items: center;
    gap: 0.35rem;
  }
  .legend svg {
    width: 14px;
    height: 14px;
    flex: none;
  }
  .shapes {
    margin-top: 0.4rem;
  }
  .error {
    margin: 0;
    padding: 0.6em 0.8em;
    background: #fde7e9;
    border-left: 4px solid #b3261e;
    color: #5c0a0a;
    border-radius: 4px;
  }
`;

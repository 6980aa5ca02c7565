import { css } from 'lit';

/**
 * The widget's look, inside its shadow root. Hosts theme it with these custom properties
 * (all optional) and with `::part(list | item | image | title | why | heading | message | placeholder)`:
 *
 *   --recs-accent            heading rule, hover border, focus ring        (#2563eb)
 *   --recs-font              font family                                   (inherit)
 *   --recs-text              text colour                                   (inherit)
 *   --recs-muted             the "why" line and messages                   (#5f6b7a)
 *   --recs-card-background   card background                               (#ffffff)
 *   --recs-image-background  behind the picture                            (#f4f5f7)
 *   --recs-border            card border colour                            (rgb(0 0 0 / 10%))
 *   --recs-radius            card corner radius                            (12px)
 *   --recs-card-width        width of one card                             (160px)
 *   --recs-gap               space between cards                           (16px)
 *
 * Only CSSOM and adopted style sheets are used, so `style-src 'self'` is enough.
 */
export const widgetStyles = css`
  :host {
    display: block;
    font-family: var(--recs-font, inherit);
    color: var(--recs-text, inherit);
    --_accent: var(--recs-accent, #2563eb);
    --_muted: var(--recs-muted, #5f6b7a);
    --_radius: var(--recs-radius, 12px);
    --_card-width: var(--recs-card-width, 160px);
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    margin: 0 0 0.9em;
    font-size: 1.15em;
    font-weight: 650;
    line-height: 1.3;
  }
  h2::after {
    content: '';
    display: block;
    width: 2.5em;
    height: 3px;
    margin-top: 0.35em;
    border-radius: 2px;
    background: var(--_accent);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 2px 2px 10px;
    display: grid;
    grid-auto-flow: column;
    grid-auto-columns: var(--_card-width);
    gap: var(--recs-gap, 16px);
    overflow-x: auto;
    overscroll-behavior-x: contain;
    scroll-snap-type: x proximity;
    scrollbar-width: thin;
  }
  li {
    scroll-snap-align: start;
    min-width: 0;
  }
  .card {
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    width: 100%;
    height: 100%;
    margin: 0;
    padding: 0;
    font: inherit;
    text-align: start;
    color: inherit;
    text-decoration: none;
    cursor: pointer;
    background: var(--recs-card-background, #fff);
    border: 1px solid var(--recs-border, rgb(0 0 0 / 10%));
    border-radius: var(--_radius);
    overflow: hidden;
    transition:
      border-color 120ms ease,
      box-shadow 120ms ease,
      transform 120ms ease;
  }
  .card:hover {
    border-color: var(--_accent);
    box-shadow: 0 6px 18px rgb(0 0 0 / 8%);
    transform: translateY(-1px);
  }
  .card:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .picture {
    position: relative;
    flex: none;
    aspect-ratio: 1;
    display: grid;
    place-items: center;
    background: var(--recs-image-background, #f4f5f7);
  }
  img {
    position: absolute;
    inset: 0;
    display: block;
    width: 100%;
    height: 100%;
    box-sizing: border-box;
    padding: 14%;
    object-fit: contain;
  }
  /* A video item: its poster frame, marked. */
  .video-badge {
    position: absolute;
    left: 0.5em;
    bottom: 0.5em;
    padding: 0.1em 0.55em;
    border-radius: 999px;
    font-size: 0.75em;
    font-weight: 600;
    background: rgb(0 0 0 / 72%);
    color: #fff;
  }
  .initial {
    font-size: 2.5em;
    font-weight: 600;
    color: var(--_muted);
  }
  .title,
  .why {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    overflow: hidden;
    overflow-wrap: anywhere;
    padding: 0 0.8em;
  }
  .title {
    -webkit-line-clamp: 2;
    hyphens: auto;
    margin-top: 0.7em;
    font-weight: 600;
    font-size: 0.95em;
    line-height: 1.3;
  }
  .why {
    -webkit-line-clamp: 3;
    margin: 0.3em 0 0.8em;
    font-size: 0.78em;
    line-height: 1.35;
    color: var(--_muted);
  }
  .placeholder {
    height: calc(var(--_card-width) + 4.6em);
    border-radius: var(--_radius);
    background: linear-gradient(90deg, #eef0f3 0%, #f7f8fa 50%, #eef0f3 100%) 0 0 / 200% 100%;
    animation: shimmer 1.4s ease-in-out infinite;
  }
  @keyframes shimmer {
    to {
      background-position: -200% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .placeholder {
      animation: none;
    }
    .card {
      transition: none;
    }
  }
  .message {
    margin: 0;
    font-size: 0.9em;
    color: var(--_muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

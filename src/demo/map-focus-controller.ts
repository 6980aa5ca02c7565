import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { nearestInDirection, type Direction } from './nearest-in-direction.ts';

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** What the focus controller needs of the map element. */
export interface MapFocusHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * Focus and hover on the map's points. The points are one tab stop (roving tabindex: only the
 * active point has tabindex 0, moved imperatively after each render, so focus moves never
 * re-render the points); the arrow keys move to the nearest point in that direction; Enter,
 * Space or a click selects. `labelIndex` is the point whose label shows: the hovered one, else
 * the focused one. Point elements carry their index in `data-i`.
 */
export class MapFocusController implements ReactiveController {
  /** The point that holds the tab stop. */
  activeIndex = 0;
  /** The point whose label shows (hovered or focused), if any. */
  labelIndex: number | undefined;
  /** Whether a point has keyboard focus (then its focus ring shows). */
  focused = false;
  /** The point element that holds the tab stop now. */
  private tabStop: SVGElement | undefined;

  constructor(
    private readonly host: MapFocusHost,
    /** The points' positions, in the same order as their `data-i`. */
    private readonly positions: () => { xs: Float64Array; ys: Float64Array },
    private readonly select: (index: number) => void,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.syncTabStop();
  }

  /** After a new layout: keep the tab stop on a point that exists. */
  clamp(count: number): void {
    if (this.activeIndex >= count) this.activeIndex = 0;
  }

  readonly onPointerOver = (event: PointerEvent): void => {
    const index = pointIndexOf(event.target);
    if (index === undefined) return;
    this.labelIndex = index;
    this.host.requestUpdate();
  };

  readonly onPointerLeave = (): void => {
    this.labelIndex = this.focused ? this.activeIndex : undefined;
    this.host.requestUpdate();
  };

  readonly onClick = (event: MouseEvent): void => {
    const index = pointIndexOf(event.target);
    if (index === undefined) return;
    this.activeIndex = index;
    this.host.requestUpdate();
    this.select(index);
  };

  readonly onFocusIn = (event: FocusEvent): void => {
    const index = pointIndexOf(event.target);
    if (index === undefined) return;
    this.focused = true;
    this.activeIndex = index;
    this.labelIndex = index;
    this.host.requestUpdate();
  };

  readonly onFocusOut = (): void => {
    this.focused = false;
    this.labelIndex = undefined;
    this.host.requestUpdate();
  };

  readonly onKeyDown = async (event: KeyboardEvent): Promise<void> => {
    const from = this.activeIndex;
    const direction = ARROWS[event.key];
    if (direction) {
      event.preventDefault();
      const { xs, ys } = this.positions();
      const to = nearestInDirection(xs, ys, from, direction);
      if (to === from) return;
      this.activeIndex = to;
      this.labelIndex = to;
      this.host.requestUpdate();
      await this.host.updateComplete;
      this.pointElement(to)?.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (from < this.positions().xs.length) this.select(from);
    }
  };

  /** Roving tabindex: only the active point is in the tab order. */
  private syncTabStop(): void {
    const active = this.pointElement(this.activeIndex);
    if (active === this.tabStop) return;
    this.tabStop?.setAttribute('tabindex', '-1');
    active?.setAttribute('tabindex', '0');
    this.tabStop = active;
  }

  private pointElement(index: number): SVGElement | undefined {
    return this.host.renderRoot.querySelector<SVGElement>(`.pt[data-i="${index}"]`) ?? undefined;
  }
}

function pointIndexOf(target: EventTarget | null): number | undefined {
  const index = (target as Element | null)?.getAttribute?.('data-i');
  return index == null ? undefined : Number(index);
}

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Recommender } from '../client/create-recommender.ts';
import type { ProgressUpdate } from '../protocol/progress.ts';

/** How long the "encoders ready" line stays once warm-up is done. */
const WARM_NOTE_MS = 4000;
/** Signs that the user is about to search: then the encoders start loading. */
const WARM_UP_TRIGGERS = ['focusin', 'pointerenter', 'dragenter'] as const;

export type WarmUpState = 'idle' | 'loading' | 'ready' | 'failed' | 'done';

/**
 * Loads the search encoders early (`recs.warmUp`), the first time the user reaches for the host
 * (focus, pointer over it, a drag over it), so the first search does not wait for them. Not
 * merely on being visible: ~12 MB of weights for every visitor who never searches would be a poor
 * trade, and it would compete with the catalog load at start.
 *
 * idle → loading → ready → done (WARM_NOTE_MS later), or loading → failed. The state is also
 * the host's `data-warm` attribute, which the e2e tests wait on.
 */
export class EncoderWarmUpController implements ReactiveController {
  state: WarmUpState = 'idle';
  /** The latest download progress of each model, by its label. */
  progress = new Map<string, ProgressUpdate>();
  error = '';
  private wanted = false;
  private noteTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly recommender: () => Recommender | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.wanted) return;
    for (const type of WARM_UP_TRIGGERS) this.host.addEventListener(type, this.request);
  }

  hostDisconnected(): void {
    for (const type of WARM_UP_TRIGGERS) this.host.removeEventListener(type, this.request);
    clearTimeout(this.noteTimer);
  }

  /** A recommender that arrives after the user reached for the search starts the warm-up then. */
  hostUpdated(): void {
    if (this.wanted) this.start();
  }

  private readonly request = (): void => {
    if (this.wanted) return;
    this.wanted = true;
    for (const type of WARM_UP_TRIGGERS) this.host.removeEventListener(type, this.request);
    this.start();
  };

  private start(): void {
    const recs = this.recommender();
    if (!recs || this.state !== 'idle') return;
    this.set('loading');
    const onProgress = (update: ProgressUpdate) => {
      if (update.stage !== 'model') return;
      this.progress = new Map(this.progress).set(update.label, update);
      this.host.requestUpdate();
    };
    recs.warmUp(['text', 'image', 'audio'], onProgress).then(
      () => {
        this.set('ready');
        this.noteTimer = setTimeout(() => this.set('done'), WARM_NOTE_MS);
      },
      (error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error);
        this.set('failed');
      },
    );
  }

  private set(state: WarmUpState): void {
    this.state = state;
    // 'done' only hides the note; the attribute keeps saying the encoders are ready.
    if (state !== 'done') this.host.dataset.warm = state;
    this.host.requestUpdate();
  }
}

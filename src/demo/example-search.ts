import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Recommender } from '../client/create-recommender.ts';
import type { ProgressUpdate } from '../protocol/progress.ts';
import { MAX_EXAMPLE_AUDIO_SECONDS, type ExampleInput, type RecommendedItem } from '../protocol/recommend.ts';
import { ExampleRefusal } from './example-refusal.ts';
import { formatBytes } from './format-bytes.ts';
import { imageFileProblem } from './image-file-problem.ts';
import { videoFileProblem } from './video-file-problem.ts';
import { MAX_EXAMPLE_VIDEO_SECONDS } from '../protocol/limits.ts';
import { itemSelectEvent } from './item-select-event.ts';
import { prepareSoundExample, type SoundSource } from './prepare-sound-example.ts';
import { searchErrorMessage, type ExampleKind } from './search-error-message.ts';
import { panelStyles, sharedStyles } from './shared-styles.ts';
import { SoundRecorder } from './sound-recorder.ts';
import './rec-rail.ts';

export interface ExampleResultsDetail {
  /** What the results are for, for people: `“a red fruit”`, `your picture “frog.png”`. */
  label: string;
  items: RecommendedItem[];
}

/** How long the "encoders ready" line stays once warm-up is done. */
const WARM_NOTE_MS = 4000;
/** Signs that the user is about to search: then the encoders start loading. */
const WARM_UP_TRIGGERS = ['focusin', 'pointerenter', 'dragenter'] as const;

function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Search by example: the user describes what they want in words, drops or picks a picture,
 * picks or records a sound, or picks a video (its key frames and soundtrack, embedded in the
 * worker), and the catalog is ranked by it (`recs.searchByExample`).
 * Inputs the engine could not use are refused here, with a message, before anything is sent:
 * files that are not pictures (by MIME type and first bytes), sounds this browser cannot decode
 * or longer than `maxSoundSeconds`, empty text. Encoders load early (`recs.warmUp`) the first
 * time the user reaches for it (focus, pointer over it, a drag over it), with their download progress
 * shown briefly. Not merely on being visible: ~12 MB of weights for every visitor who never searches
 * would be a poor trade, and it would compete with the catalog load at start.
 *
 * Dispatches `example-results` (detail `{ label, items }`) after each search; `item-select`
 * from the results rail bubbles through.
 */
@customElement('example-search')
export class ExampleSearch extends LitElement {
  @property({ attribute: false }) recs: Recommender | undefined;
  /** How many results to show. */
  @property({ type: Number }) k = 8;
  /** Longest sound accepted (a test lowers it to try a too-long recording quickly). */
  @property({ type: Number, attribute: 'max-sound-seconds' }) maxSoundSeconds = MAX_EXAMPLE_AUDIO_SECONDS;

  @state() private text = '';
  /** What is being searched for right now, for the status line ('' when idle). */
  @state() private busyLabel = '';
  @state() private error = '';
  @state() private results: ExampleResultsDetail | undefined;
  @state() private warm: 'idle' | 'loading' | 'ready' | 'failed' | 'done' = 'idle';
  @state() private warmProgress = new Map<string, ProgressUpdate>();
  @state() private warmError = '';
  /** Seconds recorded so far while recording, else undefined. */
  @state() private recordingSeconds: number | undefined;
  @state() private dragOver = false;
  @state() private picture: { url: string; name: string } | undefined;

  @query('#image-file') private imageInput!: HTMLInputElement;
  @query('#sound-file') private soundInput!: HTMLInputElement;
  @query('#video-file') private videoInput!: HTMLInputElement;

  private readonly recorder = new SoundRecorder();
  private recordTimer: ReturnType<typeof setInterval> | undefined;
  private warmNoteTimer: ReturnType<typeof setTimeout> | undefined;
  private wantsWarmUp = false;
  /** Only the latest search may show its results or error. */
  private ticket = 0;

  static override styles = [
    sharedStyles,
    panelStyles,
    css`
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
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    for (const type of WARM_UP_TRIGGERS) this.addEventListener(type, this.requestWarmUp);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of WARM_UP_TRIGGERS) this.removeEventListener(type, this.requestWarmUp);
    this.stopRecordTimer();
    this.recorder.cancel();
    clearTimeout(this.warmNoteTimer);
    if (this.picture) URL.revokeObjectURL(this.picture.url);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('recs') && this.recs && this.wantsWarmUp) this.startWarmUp();
  }

  override render() {
    const busy = this.busyLabel !== '';
    const recording = this.recordingSeconds !== undefined;
    return html`
      <section aria-labelledby="search-heading" aria-busy=${busy ? 'true' : 'false'}>
        <h2 id="search-heading">Search by example</h2>
        <p class="lead">Show what you are looking for: describe it, give a picture, or play a sound. It is compared on this device and kept only in this browser.</p>
        <div class="modes">
          <form class="mode" @submit=${this.onTextSubmit} role="search" aria-label="By words">
            <h3>Words</h3>
            <label for="text">Describe it</label>
            <div class="row">
              <input id="text" type="search" placeholder="e.g. a red fruit" autocomplete="off" aria-describedby="text-hint" .value=${this.text} @input=${this.onTextInput} />
              <button class="button primary" type="submit">Search</button>
            </div>
            <p id="text-hint" class="hint">A few words in English are enough: “something that flies”, “a warm hat”.</p>
          </form>

          <div class="mode" role="group" aria-labelledby="image-heading">
            <h3 id="image-heading">Picture</h3>
            <button
              type="button"
              class="drop ${this.dragOver ? 'over' : ''}"
              aria-describedby="image-hint"
              @click=${() => this.imageInput.click()}
              @dragenter=${this.onDragOver}
              @dragover=${this.onDragOver}
              @dragleave=${() => (this.dragOver = false)}
              @drop=${this.onDrop}
            >
              ${this.picture ? html`<img src=${this.picture.url} alt="" />` : nothing}
              <span>Drop a picture here, or <span class="pick">choose a file</span></span>
            </button>
            <p id="image-hint" class="hint">${this.picture ? `Last picture: ${this.picture.name}. ` : ''}PNG, JPEG, GIF, WebP or SVG.</p>
            <input id="image-file" type="file" accept="image/*" hidden @change=${this.onImagePicked} />
          </div>

          <div class="mode" role="group" aria-labelledby="sound-heading">
            <h3 id="sound-heading">Sound</h3>
            <div class="row">
              <button type="button" class="button" ?disabled=${recording} @click=${() => this.soundInput.click()}>Choose a sound file</button>
              <button type="button" class="button ${recording ? 'recording' : ''}" aria-pressed=${recording ? 'true' : 'false'} @click=${this.toggleRecording}>
                <span class="record-dot" aria-hidden="true"></span>${recording ? 'Stop recording' : 'Record'}
              </button>
            </div>
            <p class="timer" role="timer" aria-live="off" data-testid="record-time">
              ${recording ? html`Recording ${clock(this.recordingSeconds!)} (at most ${clock(this.maxSoundSeconds)})` : `Up to ${this.maxSoundSeconds} s: a file (Ogg, MP3, WAV, FLAC) or the microphone.`}
            </p>
            ${recording && this.recordingSeconds! > this.maxSoundSeconds
              ? html`<p class="warning" role="status">Past ${this.maxSoundSeconds} s: this recording is too long to use. Stop and record a shorter one.</p>`
              : nothing}
            <input id="sound-file" type="file" accept="audio/*" hidden @change=${this.onSoundPicked} />
          </div>

          <div class="mode" role="group" aria-labelledby="video-heading">
            <h3 id="video-heading">Video</h3>
            <div class="row">
              <button type="button" class="button" aria-describedby="video-hint" @click=${() => this.videoInput.click()}>Choose a video file</button>
            </div>
            <p id="video-hint" class="hint">Up to ${MAX_EXAMPLE_VIDEO_SECONDS} s, MP4 or WebM: its pictures and its sound are compared.</p>
            <input id="video-file" type="file" accept="video/*" hidden @change=${this.onVideoPicked} />
          </div>
        </div>

        ${this.renderStatus()}
        ${this.error ? html`<p class="error" role="alert" data-testid="search-error">${this.error}</p>` : nothing}
        ${this.results
          ? html`<rec-rail heading=${`Results for ${this.results.label}`} heading-level="3" .items=${this.results.items} ?busy=${busy} @item-select=${this.onItemSelect}></rec-rail>`
          : nothing}
      </section>
    `;
  }

  /**
   * One line: what is happening (a live region, so it is announced once per change) and, while
   * the encoders download, their bytes (shown, not announced at every update).
   */
  private renderStatus() {
    const updates = [...this.warmProgress.values()];
    const loaded = updates.reduce((sum, u) => sum + u.loadedBytes, 0);
    const total = updates.reduce((sum, u) => sum + (u.totalBytes ?? u.loadedBytes), 0);
    let message = '';
    if (this.busyLabel) message = `Searching for ${this.busyLabel}…`;
    else if (this.warm === 'loading') message = 'Loading the search models…';
    else if (this.warm === 'ready') {
      const cached = updates.length > 0 && updates.every((u) => u.fromCache);
      message = `Search models ready: ${formatBytes(loaded)} of weights${cached ? ', from the browser cache' : ''}.`;
    } else if (this.warm === 'failed') message = `The search models could not be loaded ahead of time (${this.warmError}); a search will try again.`;
    // Until the first bytes arrive there is nothing to count ("0 B" would read as an error).
    const downloading = this.warm === 'loading' && loaded > 0;
    return html`<div class="status">
      <span aria-live="polite" data-testid="search-status">${message}</span>
      ${downloading
        ? html`<span class="bytes">
            ${updates.map((u) => u.label).join(', ')}: ${formatBytes(loaded)}${total > loaded ? ` of ${formatBytes(total)}` : ''}
            <progress max=${total || 1} .value=${loaded} aria-label="Search models downloaded"></progress>
          </span>`
        : nothing}
    </div>`;
  }

  /** The user reaches for the search: load the encoders now, so the first search does not wait for them. */
  private readonly requestWarmUp = (): void => {
    if (this.wantsWarmUp) return;
    this.wantsWarmUp = true;
    for (const type of WARM_UP_TRIGGERS) this.removeEventListener(type, this.requestWarmUp);
    if (this.recs) this.startWarmUp();
  };

  private startWarmUp(): void {
    const recs = this.recs;
    if (!recs || this.warm !== 'idle') return;
    this.warm = 'loading';
    this.dataset.warm = 'loading';
    const onProgress = (update: ProgressUpdate) => {
      if (update.stage !== 'model') return;
      this.warmProgress = new Map(this.warmProgress).set(update.label, update);
    };
    recs.warmUp(['text', 'image', 'audio'], onProgress).then(
      () => {
        this.warm = 'ready';
        this.dataset.warm = 'ready';
        this.warmNoteTimer = setTimeout(() => (this.warm = 'done'), WARM_NOTE_MS);
      },
      (error: unknown) => {
        this.warm = 'failed';
        this.dataset.warm = 'failed';
        this.warmError = error instanceof Error ? error.message : String(error);
      },
    );
  }

  private onTextInput(event: Event): void {
    this.text = (event.target as HTMLInputElement).value;
  }

  private onTextSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const text = this.text.trim();
    if (text === '') {
      this.refuse('Type a few words describing what you are looking for.');
      return;
    }
    void this.search({ text }, `“${text}”`, 'text');
  }

  private onDragOver(event: DragEvent): void {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.dragOver = true;
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragOver = false;
    const file = event.dataTransfer?.files[0];
    if (file) void this.useImage(file);
    else this.refuse('That was not a file. Drop a picture file, or choose one.');
  }

  private onImagePicked(): void {
    const file = this.imageInput.files?.[0];
    // Cleared so that picking the same file again is a new choice.
    this.imageInput.value = '';
    if (file) void this.useImage(file);
  }

  private async useImage(file: File): Promise<void> {
    const problem = await imageFileProblem(file, file.name);
    if (problem) {
      this.refuse(problem);
      return;
    }
    if (this.picture) URL.revokeObjectURL(this.picture.url);
    this.picture = { url: URL.createObjectURL(file), name: file.name };
    void this.search({ image: file }, `your picture “${file.name}”`, 'image');
  }

  private onSoundPicked(): void {
    const file = this.soundInput.files?.[0];
    this.soundInput.value = '';
    if (file) void this.useSound(file, { fileName: file.name }, `the sound “${file.name}”`);
  }

  private onVideoPicked(): void {
    const file = this.videoInput.files?.[0];
    this.videoInput.value = '';
    if (!file) return;
    const problem = videoFileProblem(file, file.name);
    if (problem) {
      this.refuse(problem);
      return;
    }
    void this.search({ video: file }, `your video “${file.name}”`, 'video');
  }

  private async toggleRecording(): Promise<void> {
    if (this.recordingSeconds !== undefined) {
      this.stopRecordTimer();
      const recording = await this.recorder.stop();
      this.recordingSeconds = undefined;
      await this.useSound(recording, { recording: true }, 'your recording');
      return;
    }
    this.error = '';
    try {
      await this.recorder.start();
    } catch (error) {
      this.refuse((error as Error).message);
      return;
    }
    this.recordingSeconds = 0;
    this.recordTimer = setInterval(() => (this.recordingSeconds = this.recorder.elapsedSeconds()), 200);
  }

  private stopRecordTimer(): void {
    clearInterval(this.recordTimer);
    this.recordTimer = undefined;
  }

  private async useSound(blob: Blob, source: SoundSource, label: string): Promise<void> {
    const ticket = ++this.ticket;
    this.busyLabel = label;
    try {
      const { audio, seconds } = await prepareSoundExample(blob, source, this.maxSoundSeconds);
      if (ticket !== this.ticket) return;
      const described = 'recording' in source ? `your ${Math.max(1, Math.round(seconds))}-second recording` : label;
      await this.search({ audio }, described, 'audio');
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.busyLabel = '';
      if (error instanceof ExampleRefusal) this.refuse(error.message);
      else this.error = searchErrorMessage(error, 'audio');
    }
  }

  /** A refused input: say why; earlier results stay, and nothing reaches the engine. */
  private refuse(message: string): void {
    this.ticket++;
    this.busyLabel = '';
    this.error = message;
  }

  private async search(input: ExampleInput, label: string, kind: ExampleKind): Promise<void> {
    const recs = this.recs;
    if (!recs) {
      this.refuse('The recommender is still starting; try again in a moment.');
      return;
    }
    const ticket = ++this.ticket;
    this.error = '';
    this.busyLabel = label;
    try {
      const items = await recs.searchByExample(input, this.k);
      if (ticket !== this.ticket) return;
      this.results = { label, items };
      this.dispatchEvent(new CustomEvent<ExampleResultsDetail>('example-results', { detail: { label, items }, bubbles: true, composed: true }));
    } catch (error) {
      if (ticket === this.ticket) this.error = searchErrorMessage(error, kind);
    } finally {
      if (ticket === this.ticket) this.busyLabel = '';
    }
  }

  /** The rail's cards dispatch a composed `item-select` that already leaves this shadow root; only a non-composed one needs passing on. */
  private onItemSelect(event: CustomEvent<{ id: string }>): void {
    if (event.composed) return;
    event.stopPropagation();
    this.dispatchEvent(itemSelectEvent(event.detail.id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'example-search': ExampleSearch;
  }
  interface HTMLElementEventMap {
    'example-results': CustomEvent<ExampleResultsDetail>;
  }
}

import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Recommender } from '../client/create-recommender.ts';
import { MAX_EXAMPLE_AUDIO_SECONDS, type ExampleInput, type RecommendedItem } from '../protocol/recommend.ts';
import { EncoderWarmUpController } from './encoder-warm-up-controller.ts';
import { ExampleRefusal } from './example-refusal.ts';
import { formatBytes } from './format-bytes.ts';
import { imageFileProblem } from './image-file-problem.ts';
import { videoFileProblem } from './video-file-problem.ts';
import { MAX_EXAMPLE_VIDEO_SECONDS } from '../protocol/limits.ts';
import { itemSelectEvent } from './item-select-event.ts';
import { prepareSoundExample, type SoundSource } from './prepare-sound-example.ts';
import { searchErrorMessage, type ExampleKind } from './search-error-message.ts';
import { panelStyles, sharedStyles } from './shared-styles.ts';
import { exampleSearchStyles } from './example-search-styles.ts';
import { RecordingController } from './recording-controller.ts';
import './rec-rail.ts';

export interface ExampleResultsDetail {
  /** What the results are for, for people: `“a red fruit”`, `your picture “frog.png”`. */
  label: string;
  items: RecommendedItem[];
}

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
  @state() private dragOver = false;
  @state() private picture: { url: string; name: string } | undefined;

  @query('#image-file') private imageInput!: HTMLInputElement;
  @query('#sound-file') private soundInput!: HTMLInputElement;
  @query('#video-file') private videoInput!: HTMLInputElement;

  private readonly warmUp = new EncoderWarmUpController(this, () => this.recs);
  private readonly recording = new RecordingController(this);
  /** Only the latest search may show its results or error. */
  private ticket = 0;

  static override styles = [sharedStyles, panelStyles, exampleSearchStyles];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.picture) URL.revokeObjectURL(this.picture.url);
  }

  override render() {
    const busy = this.busyLabel !== '';
    const recording = this.recording.recording;
    const recordedSeconds = this.recording.seconds ?? 0;
    return html`
      <section aria-labelledby="search-heading" aria-busy=${busy ? 'true' : 'false'}>
        <h2 id="search-heading">Search by example</h2>
        <p class="lead">
          Show what you are looking for: describe it, give a picture, or play a sound. It is compared on this device and kept only in this browser.
        </p>
        <div class="modes">
          <form class="mode" @submit=${this.onTextSubmit} role="search" aria-label="By words">
            <h3>Words</h3>
            <label for="text">Describe it</label>
            <div class="row">
              <input
                id="text"
                type="search"
                placeholder="e.g. a red fruit"
                autocomplete="off"
                aria-describedby="text-hint"
                .value=${this.text}
                @input=${this.onTextInput}
              />
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
              ${recording ? html`Recording ${clock(recordedSeconds)} (at most ${clock(this.maxSoundSeconds)})` : `Up to ${this.maxSoundSeconds} s: a file (Ogg, MP3, WAV, FLAC) or the microphone.`}
            </p>
            ${
              recording && recordedSeconds > this.maxSoundSeconds
                ? html`<p class="warning" role="status">Past ${this.maxSoundSeconds} s: this recording is too long to use. Stop and record a shorter one.</p>`
                : nothing
            }
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

        ${this.renderStatus()} ${this.error ? html`<p class="error" role="alert" data-testid="search-error">${this.error}</p>` : nothing}
        ${
          this.results
            ? html`<rec-rail
                heading=${`Results for ${this.results.label}`}
                heading-level="3"
                .items=${this.results.items}
                ?busy=${busy}
                @item-select=${this.onItemSelect}
              ></rec-rail>`
            : nothing
        }
      </section>
    `;
  }

  /**
   * One line: what is happening (a live region, so it is announced once per change) and, while
   * the encoders download, their bytes (shown, not announced at every update).
   */
  private renderStatus() {
    const updates = [...this.warmUp.progress.values()];
    const loaded = updates.reduce((sum, u) => sum + u.loadedBytes, 0);
    const total = updates.reduce((sum, u) => sum + (u.totalBytes ?? u.loadedBytes), 0);
    let message = '';
    if (this.busyLabel) message = `Searching for ${this.busyLabel}…`;
    else if (this.warmUp.state === 'loading') message = 'Loading the search models…';
    else if (this.warmUp.state === 'ready') {
      const cached = updates.length > 0 && updates.every((u) => u.fromCache);
      message = `Search models ready: ${formatBytes(loaded)} of weights${cached ? ', from the browser cache' : ''}.`;
    } else if (this.warmUp.state === 'failed') message = `The search models could not be loaded ahead of time (${this.warmUp.error}); a search will try again.`;
    // Until the first bytes arrive there is nothing to count ("0 B" would read as an error).
    const downloading = this.warmUp.state === 'loading' && loaded > 0;
    return html`<div class="status">
      <span aria-live="polite" data-testid="search-status">${message}</span>
      ${
        downloading
          ? html`<span class="bytes">
              ${updates.map((u) => u.label).join(', ')}: ${formatBytes(loaded)}${total > loaded ? ` of ${formatBytes(total)}` : ''}
              <progress max=${total || 1} .value=${loaded} aria-label="Search models downloaded"></progress>
            </span>`
          : nothing
      }
    </div>`;
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
    if (this.recording.recording) {
      await this.useSound(await this.recording.stop(), { recording: true }, 'your recording');
      return;
    }
    this.error = '';
    try {
      await this.recording.start();
    } catch (error) {
      this.refuse((error as Error).message);
      return;
    }
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

/**
 * Records from the microphone with MediaRecorder until stopped; never cuts the user off (the
 * element warns past the limit and refuses a too-long recording on stop, so the user knows why).
 */
export class SoundRecorder {
  private recorder: MediaRecorder | undefined;
  private stream: MediaStream | undefined;
  private chunks: Blob[] = [];
  private startedAt = 0;

  get recording(): boolean {
    return this.recorder?.state === 'recording';
  }

  /** Seconds since start (wall clock, for the running display; the real length is measured on the decoded sound). */
  elapsedSeconds(): number {
    return this.recording ? (performance.now() - this.startedAt) / 1000 : 0;
  }

  /** Asks for the microphone and starts recording. Rejects with a message for people when that is impossible. */
  async start(): Promise<void> {
    if (this.recorder) throw new Error('Already recording.');
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') {
      throw new Error('This browser cannot record here (recording needs a secure https page). Choose a sound file instead.');
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NotAllowedError' || name === 'SecurityError')
        throw new Error('The microphone is blocked for this page. Allow it in the browser’s site settings, or choose a sound file.', { cause: error });
      if (name === 'NotFoundError' || name === 'OverconstrainedError')
        throw new Error('No microphone was found. Plug one in, or choose a sound file.', { cause: error });
      throw new Error(`The microphone could not be opened (${(error as Error).message || name}). Choose a sound file instead.`, { cause: error });
    }
    this.chunks = [];
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    });
    // Chunks every second, so a long recording is not one huge buffer at the end.
    this.recorder.start(1000);
    this.startedAt = performance.now();
  }

  /** Stops and returns what was recorded, in the recorder's own container (WebM/Opus in Chromium). */
  stop(): Promise<Blob> {
    const recorder = this.recorder;
    if (!recorder) return Promise.reject(new Error('Not recording.'));
    return new Promise<Blob>((resolve) => {
      recorder.addEventListener(
        'stop',
        () => {
          const blob = new Blob(this.chunks, { type: recorder.mimeType || 'audio/webm' });
          this.release();
          resolve(blob);
        },
        { once: true },
      );
      recorder.stop();
    });
  }

  /** Stops without keeping anything (the element went away). */
  cancel(): void {
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    this.release();
  }

  private release(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.recorder = undefined;
    this.chunks = [];
  }
}

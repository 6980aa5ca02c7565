import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SoundRecorder } from './sound-recorder.ts';

/** How often the elapsed time on screen is refreshed while recording. */
const TICK_MS = 200;

/**
 * A microphone recording owned by an element: starts and stops the SoundRecorder, keeps the
 * seconds recorded so far for the host to show (undefined when not recording), and cancels the
 * recording when the host leaves the page.
 */
export class RecordingController implements ReactiveController {
  /** Seconds recorded so far while recording, else undefined. */
  seconds: number | undefined;
  private readonly recorder = new SoundRecorder();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get recording(): boolean {
    return this.seconds !== undefined;
  }

  /** Opens the microphone and starts recording; throws with a message for the user when it cannot. */
  async start(): Promise<void> {
    await this.recorder.start();
    this.seconds = 0;
    this.timer = setInterval(() => {
      this.seconds = this.recorder.elapsedSeconds();
      this.host.requestUpdate();
    }, TICK_MS);
    this.host.requestUpdate();
  }

  /** Stops recording and hands over what was recorded. */
  async stop(): Promise<Blob> {
    this.stopTimer();
    const recording = await this.recorder.stop();
    this.seconds = undefined;
    this.host.requestUpdate();
    return recording;
  }

  hostDisconnected(): void {
    this.stopTimer();
    this.recorder.cancel();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** What embedding a video gives back across the worker boundary (EngineApi.embedVideo). */
import type { Embedding } from './embedding.ts';

export interface VideoEmbedding {
  /** One vector: the key frames pooled over time, in the image encoder's space (a video item's image vector). */
  image: Embedding;
  /** The soundtrack's vector (the audio encoder's), when the video has a usable sound track. */
  audio?: Embedding;
  /** Why there is no soundtrack vector although there is a sound track (an EncoderInputError message, e.g. `[silent-audio] …`). */
  audioProblem?: string;
  /** Seconds, from the container. */
  duration: number;
  /** Presentation times (s) of the key frames embedded, and of the scene changes among them. */
  keyFrameTimes: number[];
  sceneChangeTimes: number[];
}

/** Decoded audio: one Float32Array per channel, samples in [-1, 1]. The encoders take it; the WAV writer writes it. */
export interface PcmAudio {
  sampleRate: number;
  channels: Float32Array[];
}

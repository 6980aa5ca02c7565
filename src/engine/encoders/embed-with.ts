import type { Embedding, Modality } from '../../protocol/embedding.ts';
import type { BrowserEncoders } from './browser-encoders.ts';

/** Embed `inputs` (texts, or encoded files) with the encoder of `modality`. */
export function embedWith(encoders: BrowserEncoders, modality: Modality, inputs: Array<string | ArrayBuffer>): Promise<Embedding> {
  switch (modality) {
    case 'text':
      return encoders.embedText(inputs as string[]);
    case 'image':
      return encoders.embedImages(inputs as ArrayBuffer[]);
    case 'audio':
      return encoders.embedAudio(inputs as ArrayBuffer[]);
  }
}

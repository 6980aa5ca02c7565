import type { Modality } from '../../protocol/embedding.ts';

/** The modalities a catalog may have vectors for, in the order files and rows list them. */
export const MODALITIES: readonly Modality[] = ['text', 'image', 'audio'];

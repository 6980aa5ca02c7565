import { itemAt } from '../../../shared/item-at.ts';
import type { RgbaImage } from '../encoder.ts';
import { IMAGE_INPUT_SIZE, prepareImage } from '../image/prepare-image.ts';

/**
 * One analysis frame, reduced to what the video pipeline keeps of it: the image encoder's own
 * 224×224 letterboxed input (as 8-bit RGBA, so 64 kept frames cost 13 MB, not a full-size copy
 * each) and a coarse colour layout for finding scene changes. Shared by the worker and Node.
 */

/** Side of the colour-layout grid: 8 × 8 cells × RGB = 192 numbers per frame. */
export const SIGNATURE_GRID = 8;

export interface AnalysedFrame {
  /** Presentation time, seconds. */
  timestamp: number;
  /** The frame as the image encoder will read it (prepare-image.ts's letterbox, rounded to bytes). */
  thumb: RgbaImage;
  /** Mean R, G, B (0…1) of each cell of an 8 × 8 grid over the whole frame. */
  signature: Float32Array;
}

/** Reduces a decoded frame (straight RGBA, any size) to an AnalysedFrame. */
export function analyseFrame(frame: RgbaImage, timestamp: number): AnalysedFrame {
  return { timestamp, thumb: encoderThumbnail(frame), signature: colourLayout(frame) };
}

/**
 * The encoder's input for a frame, as RGBA: prepare-image.ts letterboxes it to 224×224 (no
 * transparent-border trimming: a video frame is a whole picture); re-preparing this thumbnail
 * changes nothing but the rounding to bytes, which is the same on both sides.
 */
export function encoderThumbnail(frame: RgbaImage): RgbaImage {
  const size = IMAGE_INPUT_SIZE;
  const rgb = prepareImage(frame, { size, trimTransparent: false }, 'video frame');
  const data = new Uint8ClampedArray(size * size * 4);
  for (let p = 0, i = 0; p < size * size; p++) {
    data[p * 4] = Math.round(rgb[i++]! * 255);
    data[p * 4 + 1] = Math.round(rgb[i++]! * 255);
    data[p * 4 + 2] = Math.round(rgb[i++]! * 255);
    data[p * 4 + 3] = 255;
  }
  return { width: size, height: size, data };
}

/** Mean colour of each cell of a SIGNATURE_GRID² grid (cells split the frame as evenly as integers allow). */
export function colourLayout(frame: RgbaImage): Float32Array {
  const { width, height, data } = frame;
  const g = SIGNATURE_GRID;
  const sums = new Float64Array(g * g * 3);
  const counts = new Float64Array(g * g);
  for (let y = 0; y < height; y++) {
    const cy = Math.min(g - 1, Math.floor((y * g) / height));
    for (let x = 0; x < width; x++) {
      const cell = cy * g + Math.min(g - 1, Math.floor((x * g) / width));
      const i = (y * width + x) * 4;
      sums[cell * 3] = itemAt(sums, cell * 3) + itemAt(data, i);
      sums[cell * 3 + 1] = itemAt(sums, cell * 3 + 1) + itemAt(data, i + 1);
      sums[cell * 3 + 2] = itemAt(sums, cell * 3 + 2) + itemAt(data, i + 2);
      counts[cell] = itemAt(counts, cell) + 1;
    }
  }
  const out = new Float32Array(g * g * 3);
  for (let c = 0; c < g * g; c++) {
    const n = counts[c]! || 1;
    for (let k = 0; k < 3; k++) out[c * 3 + k] = sums[c * 3 + k]! / n / 255;
  }
  return out;
}

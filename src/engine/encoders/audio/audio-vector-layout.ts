import { BASIC_PITCH_DIMS, BP_NOTES } from './basic-pitch-features.ts';
import { MEYDA_STATS_DIMS, MEYDA_STATS_NAMES } from './meyda-features.ts';
import { l2NormalizeInPlace } from '../l2-normalize.ts';

/**
 * Layout of the audio vector ('basic-pitch+meyda' v1): [basic-pitch part | meyda part].
 *
 * Each block is L2-normalised on its own, multiplied by sqrt(weight) (weights sum to 1, so the
 * result already has unit length whenever no block is all zeros), and the whole vector is
 * L2-normalised once more. So the cosine of two vectors is the weighted sum of the per-block
 * cosines: half from pitch content (basic-pitch), half from timbre/loudness dynamics (meyda).
 */

export interface AudioVectorBlock {
  name: string;
  offset: number;
  length: number;
  /** Share of the squared norm this block gets in the final vector. */
  weight: number;
  description: string;
}

const blocks: Array<Omit<AudioVectorBlock, 'offset'>> = [
  {
    name: 'basicPitch.noteMean',
    length: BP_NOTES,
    weight: 0.125,
    description: 'mean over frames of the 88 note activations (MIDI 21..108)',
  },
  {
    name: 'basicPitch.noteMax',
    length: BP_NOTES,
    weight: 0.125,
    description: 'max over frames of the 88 note activations',
  },
  {
    name: 'basicPitch.contourMean',
    length: BP_NOTES,
    weight: 0.125,
    description: 'mean over frames of the 264 contour bins, mean-pooled in threes to 88 semitones',
  },
  {
    name: 'basicPitch.chroma',
    length: 12,
    weight: 0.125,
    description: 'noteMean folded to 12 pitch classes (C..B), sum-normalised',
  },
  {
    name: 'meyda.stats',
    length: MEYDA_STATS_DIMS,
    weight: 0.5,
    description: `z-scored mean and std over non-silent 1024-sample frames of: ${MEYDA_STATS_NAMES.slice(0, MEYDA_STATS_DIMS / 2)
      .map((n) => n.slice(5, -1))
      .join(', ')}`,
  },
];

let offset = 0;
export const AUDIO_VECTOR_BLOCKS: readonly AudioVectorBlock[] = Object.freeze(
  blocks.map((b) => {
    const block = Object.freeze({ ...b, offset });
    offset += b.length;
    return block;
  }),
);

export const AUDIO_VECTOR_DIMS = offset; // 316

/** For docs: the layout as one plain object. */
export const AUDIO_VECTOR_LAYOUT = Object.freeze({
  encoder: 'basic-pitch+meyda',
  version: '1',
  dims: AUDIO_VECTOR_DIMS,
  sampleRate: 22050,
  maxSeconds: 10,
  blocks: AUDIO_VECTOR_BLOCKS,
});

if (AUDIO_VECTOR_BLOCKS[3]!.offset + 12 !== BASIC_PITCH_DIMS) throw new Error('audio vector layout out of sync with basic-pitch features');

/**
 * Assembles the final vector from the raw basic-pitch part (BASIC_PITCH_DIMS) and the
 * standardised meyda part (MEYDA_STATS_DIMS).
 */
export function assembleAudioVector(basicPitch: Float32Array, meydaStandardised: Float32Array): Float32Array {
  const raw = new Float32Array(AUDIO_VECTOR_DIMS);
  raw.set(basicPitch, 0);
  raw.set(meydaStandardised, BASIC_PITCH_DIMS);
  const out = new Float32Array(AUDIO_VECTOR_DIMS);
  for (const block of AUDIO_VECTOR_BLOCKS) {
    let sum = 0;
    for (let i = block.offset; i < block.offset + block.length; i++) sum += raw[i]! * raw[i]!;
    if (sum <= 0) continue;
    const scale = Math.sqrt(block.weight) / Math.sqrt(sum);
    for (let i = block.offset; i < block.offset + block.length; i++) out[i] = raw[i]! * scale;
  }
  return l2NormalizeInPlace(out);
}

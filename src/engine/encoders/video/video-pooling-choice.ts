import type { FramePooling, PoolingOptions } from './pool-frame-vectors.ts';

/**
 * The pooling video items use, chosen by `npm run eval:video-pooling` (docs/encoders.md, Video):
 * PLACEHOLDER until measured.
 */
export const VIDEO_POOLING: FramePooling = 'mean+max';
export const VIDEO_POOLING_OPTIONS: PoolingOptions = {};

/** Names the frame sampling + pooling that made a video's image vector (the catalog builder's resume key; bump on any change). */
export const VIDEO_PIPELINE_VERSION = `frames-1/${VIDEO_POOLING}`;

import type { FramePooling, PoolingOptions } from './pool-frame-vectors.ts';

/**
 * The pooling video items use: component-wise max, the best of the four on the measured task
 * (`npm run eval:video-pooling`: same-clip retrieval across disjoint thirds of the 20 Debian
 * clips; P@1 0.817 against 0.683 for mean, paired difference +0.133 [0.050, 0.233], and ahead of
 * mean+max and of the learned one-parameter attention; docs/encoders.md, Video, has the table).
 */
export const VIDEO_POOLING: FramePooling = 'max';
export const VIDEO_POOLING_OPTIONS: PoolingOptions = {};

/** Names the frame sampling (schedule, key frames, thumbnails): bump on any change to them. */
export const VIDEO_FRAMES_VERSION = 'frames-1';

/** Names the frame sampling + pooling that made a video's image vector (the catalog builder's resume key). */
export const VIDEO_PIPELINE_VERSION = `${VIDEO_FRAMES_VERSION}/${VIDEO_POOLING}`;

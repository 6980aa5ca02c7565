import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { debianPackageClips } from '../../scripts/fetch-debian-videos.mjs';
import { colourLayout } from '../../src/engine/encoders/video/analyse-frame.ts';
import { analysisFrameIndices } from '../../src/engine/encoders/video/frame-schedule.ts';
import { openVideo } from '../../src/engine/encoders/video/open-video.ts';
import { attentionWeights, poolFrameVectors } from '../../src/engine/encoders/video/pool-frame-vectors.ts';
import { selectKeyFrames } from '../../src/engine/encoders/video/select-key-frames.ts';
import { packedYuvPlanes, rotateRgba, yuvToRgba } from '../../src/engine/encoders/video/yuv-to-rgba.ts';
import { ffmpegAnalysisFrames } from '../../src/node/video/ffmpeg-analysis-frames.ts';
import { reencodeToWebm } from '../../src/node/video/reencode-video.ts';
import { clusterBootstrap, pairedClusterBootstrap } from '../../src/node/eval/cluster-bootstrap.ts';
import { segmentRetrieval } from '../../src/node/video/segment-retrieval.ts';
import { expectInputError } from './expect-input-error.ts';

/**
 * The pure parts of the video pipeline (frame schedule, key frames, pooling, Y'CbCr → RGB) on
 * hand-made cases where the right answer is known, and on a real clip: Planet Blupi's
 * `play113` cinematic (Debian planetblupi-common 1.14.2-3, fetched like the Tux Paint stamps),
 * re-encoded to WebM by the builder's own ffmpeg step.
 */
const temp = mkdtempSync(join(tmpdir(), 'video-frames-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const clip = () => debianPackageClips('planetblupi-common').find((c) => c.endsWith('/play113.mkv'))!;
let webm: string | undefined;
async function play113Webm(): Promise<string> {
  if (!webm) {
    webm = join(temp, 'play113.webm');
    await reencodeToWebm(clip(), webm);
  }
  return webm;
}

const unit = (values: number[]) => {
  const v = Float32Array.from(values);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const norm = (v: Float32Array) => Math.hypot(...v);

describe('frame schedule', () => {
  it('lays an even grid over the video and takes the frame on screen at each instant', () => {
    // 10 s at 10 fps: 100 frames 0.0 … 9.9 s; 4 per second → 40 instants at 0.125, 0.375, …
    const ts = Array.from({ length: 100 }, (_, i) => i / 10);
    const picked = analysisFrameIndices(ts);
    expect(picked).toHaveLength(40);
    expect(picked.slice(0, 4)).toEqual([1, 3, 6, 8]);
    expect(picked.at(-1)).toBe(98);
    // Capped at 48 for a long video, spread over all of it.
    const long = Array.from({ length: 3000 }, (_, i) => i / 25);
    const capped = analysisFrameIndices(long);
    expect(capped).toHaveLength(48);
    expect(capped[0]).toBeLessThan(40);
    expect(capped.at(-1)).toBeGreaterThan(2960);
    // A window: only frames shown within it.
    const window = analysisFrameIndices(ts, { start: 5, end: 7.5 });
    expect(window.every((i) => ts[i]! >= 5 && ts[i]! < 7.5)).toBe(true);
    expect(window).toHaveLength(10);
  });

  it('keeps a repeated frame once, handles one frame, and refuses unsorted timestamps', () => {
    // 2 fps: the 4-per-second grid lands twice on each frame.
    expect(analysisFrameIndices([0, 0.5, 1, 1.5])).toEqual([0, 1, 2, 3]);
    expect(analysisFrameIndices([3])).toEqual([0]);
    expect(analysisFrameIndices([])).toEqual([]);
    expect(() => analysisFrameIndices([0, 2, 1])).toThrow(/sorted/);
  });
});

describe('key frames', () => {
  const flat = (value: number) => new Float32Array(192).fill(value);
  it('takes 8 evenly spaced frames and adds the frames that open a new scene', () => {
    // 40 analysis frames: three scenes (dark, bright, mid) with a little flicker.
    const signatures = Array.from({ length: 40 }, (_, i) => flat((i < 13 ? 0.1 : i < 29 ? 0.9 : 0.5) + (i % 2) * 0.01));
    const choice = selectKeyFrames(signatures);
    expect(choice.sceneChanges).toEqual([13, 29]);
    expect(choice.keyFrames).toEqual([2, 7, 12, 13, 17, 22, 27, 29, 32, 37]);
    expect(choice.changes[13]).toBeCloseTo(0.81, 5);
  });

  it('does not call steady motion a scene change', () => {
    // Every frame differs from the last by the same amount: no peak stands out of the median.
    const signatures = Array.from({ length: 30 }, (_, i) => flat((i * 0.03) % 1));
    expect(selectKeyFrames(signatures.slice(0, 20)).sceneChanges).toEqual([]);
    // Fewer analysis frames than 8: all of them.
    expect(selectKeyFrames(signatures.slice(0, 5)).keyFrames).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('pooling', () => {
  const a = unit([1, 0, 0, 1]);
  const b = unit([0, 1, 0, 1]);
  const c = unit([0, 0, 1, 0]);
  it('gives unit vectors; mean, max and mean+max as defined', () => {
    for (const pooling of ['mean', 'max', 'mean+max'] as const) expect(norm(poolFrameVectors([a, b, c], pooling))).toBeCloseTo(1, 6);
    expect(Array.from(poolFrameVectors([a, b], 'mean'))).toEqual(Array.from(unit([0.5, 0.5, 0, 1]).map((x) => Math.fround(x))));
    expect(Array.from(poolFrameVectors([a, b], 'max'))).toEqual(Array.from(unit([Math.SQRT1_2, Math.SQRT1_2, 0, Math.SQRT1_2]).map((x) => Math.fround(x))));
    // One frame: every pooling returns it.
    for (const pooling of ['mean', 'max', 'mean+max'] as const) poolFrameVectors([a], pooling).forEach((x, i) => expect(x).toBeCloseTo(a[i]!, 6));
    poolFrameVectors([a, a, a], 'attention', { temperature: 7 }).forEach((x, i) => expect(x).toBeCloseTo(a[i]!, 6));
  });

  it('attention: τ = 0 is the mean, τ > 0 favours the typical frames, τ < 0 the odd one out', () => {
    poolFrameVectors([a, b, c], 'attention', { temperature: 0 }).forEach((x, i) => expect(x).toBeCloseTo(poolFrameVectors([a, b, c], 'mean')[i]!, 6));
    const frames = [a, a, unit([1, 0.1, 0, 1]), c];
    const typical = attentionWeights(frames, 10);
    expect(typical[3]).toBeLessThan(typical[0]!);
    const odd = attentionWeights(frames, -10);
    expect(odd[3]).toBeGreaterThan(odd[0]!);
    expect(typical.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 10);
    expect(() => poolFrameVectors([a], 'attention')).toThrow(/temperature/);
    expect(() => poolFrameVectors([], 'mean')).toThrow(/no frame vectors/);
    expect(() => poolFrameVectors([a, Float32Array.from([1, 0])], 'mean')).toThrow(/differ/);
  });
});

describe("Y'CbCr → RGBA", () => {
  it('maps the reference colours of BT.709 limited range and BT.601 full range', () => {
    // One 2×2 I420 frame of a single colour: Y, U, V.
    const frame = (y: number, u: number, v: number) => Uint8Array.from([y, y, y, y, u, v]);
    const rgb = (y: number, u: number, v: number, matrix: string, fullRange: boolean) =>
      Array.from(yuvToRgba({ format: 'I420', width: 2, height: 2, planes: packedYuvPlanes(frame(y, u, v), 'I420', 2, 2), matrix, fullRange }).data.slice(0, 4));
    expect(rgb(16, 128, 128, 'bt709', false)).toEqual([0, 0, 0, 255]);
    expect(rgb(235, 128, 128, 'bt709', false)).toEqual([255, 255, 255, 255]);
    // 75 % red in BT.709 (ITU-R BT.709 colour bars): Y 51, Cb 109, Cr 212 → (191, 0, 0) ± 1.
    expect(rgb(51, 109, 212, 'bt709', false).map((x, i) => Math.abs(x - [191, 0, 0, 255][i]!) <= 1)).toEqual([true, true, true, true]);
    // Pure green in BT.601 full range (JPEG): Y 150, Cb 44, Cr 21 → (0, 255, 0) ± 1.
    expect(rgb(150, 44, 21, 'smpte170m', true).map((x, i) => Math.abs(x - [0, 255, 0, 255][i]!) <= 1)).toEqual([true, true, true, true]);
  });

  it("agrees with ffmpeg's own conversion of a real frame (within chroma-filter rounding)", async () => {
    const path = await play113Webm();
    const opened = await openVideo(readFileSync(path), 'play113.webm');
    const { width, height } = opened;
    opened.input.dispose();
    const yuv = execFileSync('ffmpeg', ['-v', 'error', '-ss', '2', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
    const ref = execFileSync('ffmpeg', [
      '-v',
      'error',
      '-ss',
      '2',
      '-i',
      path,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-sws_flags',
      'accurate_rnd+full_chroma_int+bitexact',
      '-',
    ]);
    const ours = yuvToRgba({
      format: 'I420',
      width,
      height,
      planes: packedYuvPlanes(new Uint8Array(yuv), 'I420', width, height),
      matrix: 'bt709',
      fullRange: false,
    });
    let sum = 0;
    for (let i = 0; i < ours.data.length; i++) sum += Math.abs(ours.data[i]! - ref[i]!);
    const meanDiff = sum / ours.data.length;
    // A wrong matrix or range is off by 10+ levels on average; repeating vs filtering chroma costs about one.
    expect(meanDiff).toBeLessThan(2);
  });

  it('rotates', () => {
    const image = { width: 2, height: 1, data: Uint8ClampedArray.from([1, 1, 1, 255, 2, 2, 2, 255]) };
    const turned = rotateRgba(image, 90);
    expect([turned.width, turned.height, turned.data[0], turned.data[4]]).toEqual([1, 2, 1, 2]);
    expect(rotateRgba(image, 180).data[0]).toBe(2);
  });
});

describe('a real clip', () => {
  it('opens with mediabunny (codec, size, colours, sound) and ffmpeg decodes exactly its scheduled analysis frames', async () => {
    const path = await play113Webm();
    const opened = await openVideo(readFileSync(path), 'play113.webm');
    try {
      expect(opened.codec).toBe('vp9');
      expect(opened.container).toBe('WebM');
      expect([opened.width, opened.height]).toEqual([320, 240]);
      expect(opened.colorSpace).toMatchObject({ matrix: 'bt709', fullRange: false });
      expect(opened.duration).toBeGreaterThan(4.5);
      expect(opened.audio).not.toBeNull();
      const { frames } = await ffmpegAnalysisFrames(path, opened);
      expect(frames).toHaveLength(analysisFrameIndices(opened.timestamps).length);
      expect(frames.every((f, i) => i === 0 || f.timestamp > frames[i - 1]!.timestamp)).toBe(true);
      const choice = selectKeyFrames(frames.map((f) => f.signature));
      expect(choice.keyFrames.length).toBeGreaterThanOrEqual(8);
      expect(choice.keyFrames.length).toBeLessThanOrEqual(16);
      // Each thumbnail is the encoder's 224×224 input; the colour layout is of the whole frame.
      expect([frames[0]!.thumb.width, frames[0]!.thumb.height]).toEqual([224, 224]);
      expect(frames[0]!.signature).toHaveLength(192);
    } finally {
      opened.input.dispose();
    }
  });

  it('refuses what is not a usable video with a typed error, before decoding', async () => {
    const bytes = readFileSync(await play113Webm());
    await expectInputError(openVideo(new Uint8Array(0), 'empty.webm'), 'empty-video');
    await expectInputError(openVideo(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 'noise.bin'), 'unsupported-format');
    await expectInputError(openVideo(bytes, 'play113.webm', { maxSeconds: 2 }), 'too-long');
    await expectInputError(openVideo(bytes, 'play113.webm', { maxBytes: 1000 }), 'too-large');
    // Cut short (a broken download): the container declares 5.1 s; a third of the file holds no complete cluster of frames.
    await expectInputError(
      openVideo(bytes.subarray(0, Math.floor(bytes.length / 3)), 'cut.webm'),
      'corrupt-video',
      /says it lasts 5\.1 s, but not one frame can be read/,
    );
    // Whole, but garbage from a third of the way in: the demuxer stops early, the frames cover too little of the 5.1 s.
    const garbled = Buffer.from(bytes);
    garbled.fill(0x5a, Math.floor(garbled.length / 3));
    await expectInputError(
      openVideo(garbled, 'garbled.webm'),
      'corrupt-video',
      /says it lasts 5\.1 s, but (frames for only \d\.\d s|not one frame) can be read/,
    );
    // The original cinematic: Matroska with MS Video 1, a codec no browser decodes.
    await expectInputError(openVideo(readFileSync(clip()), 'play113.mkv'), 'undecodable-video');
  });

  it('colour layout: mean colour per cell', () => {
    const data = new Uint8ClampedArray(16 * 8 * 4);
    for (let p = 0; p < 16 * 8; p++) data.set(p % 16 < 8 ? [255, 0, 0, 255] : [0, 0, 255, 255], p * 4);
    const layout = colourLayout({ width: 16, height: 8, data });
    expect(Array.from(layout.slice(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(layout.slice(7 * 3, 8 * 3))).toEqual([0, 0, 1]);
  });
});

describe('evaluation helpers', () => {
  it('segment retrieval scores the nearest other part of the same clip', () => {
    // Directions: a#0 0°, a#1 6.3°, b#0 90°, b#1 8.5° (b's second part looks like clip a).
    const segments = [
      { clip: 'a', vector: unit([1, 0]) },
      { clip: 'a', vector: unit([0.9, 0.1]) },
      { clip: 'b', vector: unit([0, 1]) },
      { clip: 'b', vector: unit([1, 0.15]) },
    ];
    const results = segmentRetrieval(segments);
    expect(results.map((r) => r.hit1)).toEqual([1, 0, 1, 0]);
    expect(results.map((r) => r.reciprocalRank)).toEqual([1, 0.5, 1, 1 / 3]);
    expect(segmentRetrieval(segments, new Set(['b'])).map((r) => r.clip)).toEqual(['b', 'b']);
  });

  it('the cluster bootstrap covers the mean and a paired difference of a method with itself is 0', () => {
    const values = [1, 0, 1, 1, 0, 1, 0, 1];
    const clusters = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'];
    const ci = clusterBootstrap(values, clusters, 500, 3);
    expect(ci.mean).toBe(0.625);
    expect(ci.low).toBeLessThanOrEqual(0.625);
    expect(ci.high).toBeGreaterThanOrEqual(0.625);
    expect(pairedClusterBootstrap(values, values, clusters, 200)).toEqual({ mean: 0, low: 0, high: 0 });
  });
});

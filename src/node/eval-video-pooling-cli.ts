// Which pooling turns a video's key-frame vectors into its image vector best, measured on real
// clips (the Debian video catalog's 21 clips, scripts/fetch-debian-videos.mjs):
//
//   npm run eval:video-pooling [-- --segments 3 --resamples 2000 --out eval-results/video-pooling.json]
//
// The key-frame vectors are kept in eval-results/video-pooling-frames.json (git-ignored); a
// later run with the same clips and --segments reuses them (--fresh embeds again).
//
// Task (segment-retrieval.ts): each clip cut into 3 disjoint parts, each part sampled (even +
// scene-change key frames, as the catalog does) and pooled alone; every part queries all other
// parts. P@1 and MRR per query, 95 % intervals by a bootstrap over clips, and paired intervals
// of each method minus mean pooling. The attention's temperature is chosen by leave-one-clip-out
// cross-validation (a clip's queries are scored with the τ that did best on the other clips).
// Baselines: the middle frame alone, and mean pooling of the evenly spaced frames only (no
// scene-change frames). Writes JSON and prints a Markdown table.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RgbaImage } from '../engine/encoders/encoder.ts';
import { analysisFrameIndices } from '../engine/encoders/video/frame-schedule.ts';
import { openVideo } from '../engine/encoders/video/open-video.ts';
import { FRAME_POOLINGS, poolFrameVectors, type FramePooling } from '../engine/encoders/video/pool-frame-vectors.ts';
import { selectKeyFrames } from '../engine/encoders/video/select-key-frames.ts';
import { VIDEO_FRAMES_VERSION, VIDEO_POOLING } from '../engine/encoders/video/video-pooling-choice.ts';
import { debianVideoSourceItems } from './catalog/debian-videos-source.ts';
import { cachedWebm } from './catalog/video-items.ts';
import { clusterBootstrap, pairedClusterBootstrap, type Interval } from './eval/cluster-bootstrap.ts';
import { NodeEncoders } from './node-encoders.ts';
import { readCliFlags } from './cli-flags.ts';
import { initNodeTf } from './node-tf.ts';
import { ffmpegAnalysisFrames } from './video/ffmpeg-analysis-frames.ts';
import { meanOf, segmentRetrieval, type QueryResult, type Segment } from './video/segment-retrieval.ts';

const TEMPERATURES = [-20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50];

interface SegmentFrames {
  clip: string;
  /** Key-frame vectors (even + scene changes), in time order. */
  keyVectors: Float32Array[];
  /** The evenly spaced ones among them. */
  evenVectors: Float32Array[];
  middleVector: Float32Array;
  keyFrames: number;
  sceneFrames: number;
}

const USAGE =
  'usage: npm run eval:video-pooling -- [--segments 3] [--resamples 2000] [--out eval-results/video-pooling.json] [--frames eval-results/video-pooling-frames.json] [--fresh]';

async function main(args: string[]): Promise<void> {
  const flags = readCliFlags(args, { values: ['segments', 'resamples', 'out', 'frames'], booleans: ['fresh'] }, USAGE);
  const segmentsPerClip = Number(flags.value('segments') ?? '3');
  const resamples = Number(flags.value('resamples') ?? '2000');
  const out = flags.value('out') ?? 'eval-results/video-pooling.json';
  const framesFile = flags.value('frames') ?? 'eval-results/video-pooling-frames.json';
  const fetcher = await import('../../scripts/fetch-debian-videos.mjs');
  const clips = debianVideoSourceItems(fetcher);
  const started = performance.now();
  let segments: SegmentFrames[] = [];
  const key = `${clips.map((c) => c.id).join(',')}|${segmentsPerClip}|${VIDEO_FRAMES_VERSION}`;
  if (!flags.has('fresh') && existsSync(framesFile)) {
    const saved = JSON.parse(readFileSync(framesFile, 'utf8')) as {
      key: string;
      segments: Array<
        Omit<SegmentFrames, 'keyVectors' | 'evenVectors' | 'middleVector'> & { keyVectors: number[][]; evenVectors: number[][]; middleVector: number[] }
      >;
    };
    if (saved.key === key) {
      segments = saved.segments.map((s) => ({
        ...s,
        keyVectors: s.keyVectors.map((v) => Float32Array.from(v)),
        evenVectors: s.evenVectors.map((v) => Float32Array.from(v)),
        middleVector: Float32Array.from(s.middleVector),
      }));
      process.stderr.write(`key-frame vectors reused from ${framesFile} (--fresh to embed again)\n`);
    }
  }
  const reused = segments.length > 0;
  if (!reused) segments = await embedSegments(clips, segmentsPerClip);
  mkdirSync(dirname(framesFile), { recursive: true });
  writeFileSync(
    framesFile,
    JSON.stringify({
      key,
      segments: segments.map((s) => ({
        ...s,
        keyVectors: s.keyVectors.map((v) => Array.from(v)),
        evenVectors: s.evenVectors.map((v) => Array.from(v)),
        middleVector: Array.from(s.middleVector),
      })),
    }),
  );
  const embedSeconds = reused ? undefined : (performance.now() - started) / 1000;
  report(segments, segmentsPerClip, resamples, out, embedSeconds);
}

/** Each clip's parts sampled and their key frames (and middle frame) embedded. */
async function embedSegments(clips: ReturnType<typeof debianVideoSourceItems>, segmentsPerClip: number): Promise<SegmentFrames[]> {
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const embed = async (images: RgbaImage[]) => (await encoders.embedImagePixels(images)).vectors;
  const segments: SegmentFrames[] = [];
  for (const [c, clip] of clips.entries()) {
    const { path } = await cachedWebm(clip.videoPath!, {}, () => process.stderr.write(`re-encoding ${clip.id} …\n`));
    const opened = await openVideo(readFileSync(path), path);
    try {
      const first = opened.timestamps[0]!;
      for (let s = 0; s < segmentsPerClip; s++) {
        const start = first + (s * opened.duration) / segmentsPerClip;
        const end = first + ((s + 1) * opened.duration) / segmentsPerClip;
        const { frames } = await ffmpegAnalysisFrames(path, opened, { start, end });
        const choice = selectKeyFrames(frames.map((f) => f.signature));
        const even = selectKeyFrames(
          frames.map((f) => f.signature),
          { maxScene: 0 },
        ).keyFrames;
        const middle = Math.min(frames.length - 1, Math.floor(frames.length / 2));
        const wanted = [...new Set([...choice.keyFrames, ...even, middle])].sort((a, b) => a - b);
        const vectors = new Map<number, Float32Array>();
        (await embed(wanted.map((i) => frames[i]!.thumb))).forEach((v, k) => vectors.set(wanted[k]!, v));
        segments.push({
          clip: clip.id,
          keyVectors: choice.keyFrames.map((i) => vectors.get(i)!),
          evenVectors: even.map((i) => vectors.get(i)!),
          middleVector: vectors.get(middle)!,
          keyFrames: choice.keyFrames.length,
          sceneFrames: choice.sceneChanges.length,
        });
      }
      process.stderr.write(
        `${c + 1}/${clips.length} ${clip.id}: ${opened.duration.toFixed(1)} s, ${analysisFrameIndices(opened.timestamps).length} analysis frames, key frames per part ${segments
          .slice(-segmentsPerClip)
          .map((s) => `${s.keyFrames} (${s.sceneFrames} scene)`)
          .join(', ')}\n`,
      );
    } finally {
      opened.input.dispose();
    }
  }
  await encoders.dispose();
  return segments;
}

function report(segments: SegmentFrames[], segmentsPerClip: number, resamples: number, out: string, embedSeconds: number | undefined): void {
  const asSegments = (vector: (s: SegmentFrames) => Float32Array): Segment[] => segments.map((s) => ({ clip: s.clip, vector: vector(s) }));
  const results = new Map<string, QueryResult[]>();
  for (const pooling of FRAME_POOLINGS.filter((p) => p !== 'attention'))
    results.set(pooling, segmentRetrieval(asSegments((s) => poolFrameVectors(s.keyVectors, pooling as FramePooling))));
  results.set('middle frame only', segmentRetrieval(asSegments((s) => s.middleVector)));
  results.set('mean, even frames only', segmentRetrieval(asSegments((s) => poolFrameVectors(s.evenVectors, 'mean'))));
  results.set('mean+max, even frames only', segmentRetrieval(asSegments((s) => poolFrameVectors(s.evenVectors, 'mean+max'))));
  results.set('max, even frames only', segmentRetrieval(asSegments((s) => poolFrameVectors(s.evenVectors, 'max'))));

  // Attention: τ chosen per held-out clip on the other clips' queries (leave-one-clip-out).
  const byTemperature = new Map(
    TEMPERATURES.map((t) => [t, segmentRetrieval(asSegments((s) => poolFrameVectors(s.keyVectors, 'attention', { temperature: t })))] as const),
  );
  const clipIds = [...new Set(segments.map((s) => s.clip))];
  const chosen: Record<string, number> = {};
  for (const clip of clipIds) {
    let best = TEMPERATURES[0]!;
    let bestScore = -Infinity;
    for (const t of TEMPERATURES) {
      const score = meanOf(
        byTemperature.get(t)!.filter((r) => r.clip !== clip),
        'reciprocalRank',
      );
      if (score > bestScore + 1e-12) [best, bestScore] = [t, score];
    }
    chosen[clip] = best;
  }
  // Every method's results list the queries in the same order (segment order).
  const order = results.get('mean')!;
  const attentionByQuery = order.map((r, i) => byTemperature.get(chosen[r.clip]!)![i]!);
  results.set('attention (τ by leave-one-clip-out)', attentionByQuery);

  const clusters = order.map((r) => r.clip);
  const table: Array<{ method: string; p1: Interval; mrr: Interval; p1VsMean: Interval; mrrVsMean: Interval; p1VsChosen: Interval; mrrVsChosen: Interval }> =
    [];
  const chosenRows = results.get(VIDEO_POOLING)!;
  for (const [method, rows] of results) {
    table.push({
      method,
      p1: clusterBootstrap(
        rows.map((r) => r.hit1),
        clusters,
        resamples,
      ),
      mrr: clusterBootstrap(
        rows.map((r) => r.reciprocalRank),
        clusters,
        resamples,
      ),
      p1VsMean: pairedClusterBootstrap(
        rows.map((r) => r.hit1),
        order.map((r) => r.hit1),
        clusters,
        resamples,
      ),
      mrrVsMean: pairedClusterBootstrap(
        rows.map((r) => r.reciprocalRank),
        order.map((r) => r.reciprocalRank),
        clusters,
        resamples,
      ),
      p1VsChosen: pairedClusterBootstrap(
        rows.map((r) => r.hit1),
        chosenRows.map((r) => r.hit1),
        clusters,
        resamples,
      ),
      mrrVsChosen: pairedClusterBootstrap(
        rows.map((r) => r.reciprocalRank),
        chosenRows.map((r) => r.reciprocalRank),
        clusters,
        resamples,
      ),
    });
  }
  const temperatureCounts: Record<string, number> = {};
  for (const t of Object.values(chosen)) temperatureCounts[t] = (temperatureCounts[t] ?? 0) + 1;
  const ci = (i: Interval) => `${i.mean.toFixed(3)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;
  const lines = [
    `Same-clip retrieval across disjoint parts: ${clipIds.length} clips × ${segmentsPerClip} parts = ${segments.length} queries; 95 % intervals, bootstrap over clips (${resamples} resamples).`,
    '',
    `| pooling | P@1 | MRR | P@1 − mean | MRR − mean | P@1 − ${VIDEO_POOLING} (used) | MRR − ${VIDEO_POOLING} (used) |`,
    '|---|---|---|---|---|---|---|',
    ...table.map(
      (r) =>
        `| ${r.method} | ${ci(r.p1)} | ${ci(r.mrr)} | ${r.method === 'mean' ? '–' : ci(r.p1VsMean)} | ${r.method === 'mean' ? '–' : ci(r.mrrVsMean)} | ${r.method === VIDEO_POOLING ? '–' : ci(r.p1VsChosen)} | ${r.method === VIDEO_POOLING ? '–' : ci(r.mrrVsChosen)} |`,
    ),
    '(differences are paired: the same bootstrap draws of clips for both methods)',
    '',
    `attention temperatures chosen (held-out clip → τ): ${Object.entries(temperatureCounts)
      .map(([t, n]) => `τ=${t} ×${n}`)
      .join(', ')}`,
    `embedding: ${embedSeconds === undefined ? 'reused' : `${embedSeconds.toFixed(0)} s`}; key frames per part: mean ${(segments.reduce((s, x) => s + x.keyFrames, 0) / segments.length).toFixed(1)}, of which scene changes ${(segments.reduce((s, x) => s + x.sceneFrames, 0) / segments.length).toFixed(1)}`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        command: `npm run eval:video-pooling -- --segments ${segmentsPerClip} --resamples ${resamples}`,
        clips: clipIds,
        segmentsPerClip,
        table,
        attentionTemperatures: chosen,
        embedSeconds,
      },
      null,
      1,
    ) + '\n',
  );
  console.log(`written: ${out}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

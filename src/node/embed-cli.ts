// `npm run embed -- text "a red apple"` | `image PATH` | `audio PATH` | `video PATH`
// Prints one JSON object: { "modality", "encoder", "dims", "vector": [...] }. Other tools parse
// this exact shape. `encoder` is `name@version`. Bad input exits 2 with the typed error on stderr.
// A video (any file ffmpeg reads that mediabunny can demux, e.g. WebM or MP4) prints
// { "modality": "video", "image": {encoder, dims, vector}, "audio"?: {…}, "audioProblem"?, "keyFrameTimes" }:
// its key frames pooled (the image vector a catalog stores for it) and its soundtrack.
import type { Embedding } from '../protocol/embedding.ts';
import { NodeEncoders } from './node-encoders.ts';
import { initNodeTf } from './node-tf.ts';
import { embedVideoFile } from './video/embed-video-file.ts';
import { itemAt } from '../shared/item-at.ts';

const USAGE = 'usage: npm run embed -- text "some text" | image PATH | audio PATH | video PATH';

async function main(argv: string[]): Promise<number> {
  const [modality, ...rest] = argv;
  const input = rest.join(' ');
  if (!modality || !input) {
    console.error(USAGE);
    return 2;
  }
  await initNodeTf();
  const encoders = new NodeEncoders();
  let embedding: Embedding;
  try {
    if (modality === 'video') {
      const video = await embedVideoFile(input, encoders);
      const plain = (e: { encoder: Embedding['encoder']; vector: Float32Array }) => ({
        encoder: `${e.encoder.name}@${e.encoder.version}`,
        dims: e.encoder.dims,
        vector: Array.from(e.vector),
      });
      process.stdout.write(
        JSON.stringify({
          modality,
          image: plain(video.image),
          ...(video.audio && !(video.audio instanceof Error) ? { audio: plain(video.audio) } : {}),
          ...(video.audio instanceof Error ? { audioProblem: video.audio.message } : {}),
          keyFrameTimes: video.image.keyFrames.map((i) => video.image.timestamps[i]),
        }) + '\n',
      );
      await encoders.dispose();
      return 0;
    }
    if (modality === 'text') embedding = await encoders.embedText([input]);
    else if (modality === 'image') embedding = await encoders.embedImageFiles([input]);
    else if (modality === 'audio') embedding = await encoders.embedAudioFiles([input]);
    else {
      console.error(`unknown modality "${modality}"\n${USAGE}`);
      return 2;
    }
  } catch (error) {
    const e = error as Error;
    console.error(`${e.name}: ${e.message}`);
    return e.name === 'EncoderInputError' || (e as NodeJS.ErrnoException).code === 'ENOENT' ? 2 : 1;
  }
  const { encoder, vectors } = embedding;
  process.stdout.write(
    JSON.stringify({ modality, encoder: `${encoder.name}@${encoder.version}`, dims: encoder.dims, vector: Array.from(itemAt(vectors, 0)) }) + '\n',
  );
  await encoders.dispose();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

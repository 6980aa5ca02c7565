// `npm run embed -- text "a red apple"` | `image PATH` | `audio PATH`
// Prints one JSON object: { "modality", "encoder", "dims", "vector": [...] }. Other tools parse
// this exact shape. `encoder` is `name@version`. Bad input exits 2 with the typed error on stderr.
import type { Embedding } from '../protocol/embedding.ts';
import { NodeEncoders } from './node-encoders.ts';
import { initNodeTf } from './node-tf.ts';

const USAGE = 'usage: npm run embed -- text "some text" | image PATH | audio PATH';

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
  process.stdout.write(JSON.stringify({ modality, encoder: `${encoder.name}@${encoder.version}`, dims: encoder.dims, vector: Array.from(vectors[0]) }) + '\n');
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

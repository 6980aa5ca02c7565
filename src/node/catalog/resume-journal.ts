import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EncoderInfo, Modality } from '../../protocol/embedding.ts';

/**
 * The catalog build's resume journal: DIR/.partial/<modality>.jsonl. After every batch the new
 * vectors (and refusals) are appended and fsync'd; a later run with the same DIR reuses every
 * record whose item id, input key and encoder match. A line starting with `{"encoder":` opens
 * the records of that encoder; a line cut short by a kill is skipped.
 */

/** One item's journal record: its vector (base64 float32) or why the encoder refused its input. */
export type PartialRecord = { id: string; key: string; v: string } | { id: string; key: string; problem: string; message: string };

export interface PartialState {
  encoder?: EncoderInfo;
  /** id → record (the last one wins). */
  records: Map<string, PartialRecord>;
}

/** The journal file of one modality. */
export function partialPath(outDir: string, modality: Modality): string {
  return join(outDir, '.partial', `${modality}.jsonl`);
}

/** Reads a modality's journal: the records of its last encoder (a line cut short by a kill is skipped). */
export function readPartial(outDir: string, modality: Modality): PartialState {
  const path = partialPath(outDir, modality);
  const state: PartialState = { records: new Map() };
  if (!existsSync(path)) return state;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut short by a kill
    }
    if (json.encoder && typeof json.encoder === 'object') {
      const encoder = json.encoder as EncoderInfo;
      if (state.encoder && (state.encoder.name !== encoder.name || state.encoder.version !== encoder.version)) state.records.clear();
      state.encoder = encoder;
    } else if (typeof json.id === 'string' && typeof json.key === 'string') state.records.set(json.id, json as PartialRecord);
  }
  return state;
}

/** Appends JSON lines and fsyncs them, so a kill after this loses nothing. */
export function appendLines(path: string, lines: unknown[]): void {
  if (lines.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function vectorToBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

export function base64ToVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Same encoder name, version and dims: its journalled vectors can be reused. */
export function sameEncoder(a: EncoderInfo, b: EncoderInfo): boolean {
  return a.name === b.name && a.version === b.version && a.dims === b.dims;
}

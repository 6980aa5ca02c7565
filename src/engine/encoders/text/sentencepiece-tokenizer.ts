/**
 * A sentencepiece (unigram) tokenizer for the Universal Sentence Encoder Lite vocabulary.
 *
 * Ported from the tokenizer of `@tensorflow-models/universal-sentence-encoder`
 * (Copyright 2019 Google LLC, Apache-2.0), as repackaged in `@energetic-ai/embeddings@0.2.0`.
 * Differences from that code: the Viterbi search keeps a back-pointer per position instead of
 * stepping back by the piece's UTF-16 length (which went wrong for characters outside the BMP),
 * "no path yet" is -Infinity instead of 0 (a path of zero-score pieces was treated as unset),
 * and the input is normalised more thoroughly (see `normalizeText`).
 *
 * Pure TypeScript with no imports: runs unchanged in a Web Worker and in Node. The vocabulary
 * is passed in as data (the `vocab.json` that ships with the model: `[piece, score][]`).
 */

/** One vocabulary entry: the piece and its log-probability. A few entries (e.g. `':'`) have a null score; it counts as 0. */
export type VocabEntry = readonly [piece: string, score: number | null];

/** Word-start marker of sentencepiece (U+2581 LOWER ONE EIGHTH BLOCK). */
export const WORD_SEPARATOR = '\u2581';

/** Ids 0..5 of the USE-Lite vocabulary are `<unk>`, `<s>`, `</s>` and three extra tokens: never produced by matching. */
const RESERVED_SYMBOLS_COUNT = 6;
const UNKNOWN_ID = 0;
/** Score of an unknown character, as in the tfjs-models tokenizer. */
const UNKNOWN_SCORE = 0;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary id of the piece ending here, or -1. */
  id: number;
  score: number;
}

function newNode(): TrieNode {
  return { children: new Map(), id: -1, score: 0 };
}

/**
 * NFKC, then every run of whitespace or control characters becomes one space, invisible
 * format characters (zero-width space, BOM, soft hyphen, ...) are dropped, and the ends are trimmed.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
}

export interface SentencePieceTokenizerOptions {
  /** Leading vocabulary entries that are never matched (default 6, as in USE-Lite). */
  reservedSymbolsCount?: number;
}

export class SentencePieceTokenizer {
  private readonly root: TrieNode = newNode();
  /** Number of entries in the vocabulary. */
  readonly size: number;

  constructor(vocabulary: readonly VocabEntry[], options: SentencePieceTokenizerOptions = {}) {
    if (!Array.isArray(vocabulary as unknown) || vocabulary.length === 0) throw new Error('sentencepiece vocabulary is empty or not an array');
    const reserved = options.reservedSymbolsCount ?? RESERVED_SYMBOLS_COUNT;
    this.size = vocabulary.length;
    for (let id = reserved; id < vocabulary.length; id++) {
      const entry = vocabulary[id];
      if (entry === undefined || !Array.isArray(entry as unknown) || typeof entry[0] !== 'string')
        throw new Error(`sentencepiece vocabulary entry ${id} is not [piece, score]`);
      this.insert(entry[0], entry[1] ?? 0, id);
    }
  }

  private insert(piece: string, score: number, id: number): void {
    let node = this.root;
    for (const symbol of piece) {
      let child = node.children.get(symbol);
      if (!child) {
        child = newNode();
        node.children.set(symbol, child);
      }
      node = child;
    }
    if (node === this.root) return;
    node.id = id;
    node.score = score;
  }

  /**
   * Token ids of `text`: normalised (see `normalizeText`), spaces turned into the word
   * separator with one in front, then the highest-scoring segmentation into vocabulary pieces.
   * Characters not in the vocabulary become the unknown id 0 (a run of them, one 0).
   * Empty or whitespace-only text gives `[]`. Time is linear in the text length.
   */
  encode(text: string): number[] {
    const normalized = normalizeText(text);
    if (normalized.length === 0) return [];
    const symbols = Array.from(WORD_SEPARATOR + normalized.replaceAll(' ', WORD_SEPARATOR));
    const n = symbols.length;
    // best[i]: score of the best segmentation of symbols[0..i); pieceId/pieceStart: its last piece.
    const best = new Float64Array(n + 1).fill(-Infinity);
    const pieceId = new Int32Array(n + 1);
    const pieceStart = new Int32Array(n + 1);
    best[0] = 0;
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      if (base === -Infinity) continue;
      let node = this.root.children.get(symbols[start]!);
      if (!node) {
        this.relax(best, pieceId, pieceStart, start, start + 1, base + UNKNOWN_SCORE, UNKNOWN_ID);
        continue;
      }
      // Shorter pieces first, then `>=`: ties go to the later candidate, as in the tfjs-models code.
      let end = start + 1;
      let matched = false;
      while (node) {
        if (node.id >= 0) {
          matched = true;
          this.relax(best, pieceId, pieceStart, start, end, base + node.score, node.id);
        }
        if (end >= n) break;
        node = node.children.get(symbols[end]!);
        end++;
      }
      if (!matched) this.relax(best, pieceId, pieceStart, start, start + 1, base + UNKNOWN_SCORE, UNKNOWN_ID);
    }
    const reversed: number[] = [];
    for (let pos = n; pos > 0; pos = pieceStart[pos]!) reversed.push(pieceId[pos]!);
    const ids: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i]!;
      if (id === UNKNOWN_ID && ids.length > 0 && ids[ids.length - 1] === UNKNOWN_ID) continue;
      ids.push(id);
    }
    return ids;
  }

  private relax(best: Float64Array, pieceId: Int32Array, pieceStart: Int32Array, start: number, end: number, score: number, id: number): void {
    if (score >= best[end]!) {
      best[end] = score;
      pieceId[end] = id;
      pieceStart[end] = start;
    }
  }
}

/**
 * The files that connect the harness to the product path (catalog builder → batch recommend →
 * metrics), so the real product code can be evaluated on exactly the harness's cases:
 *
 * - `interactionsCsv`: a split's training log in the catalog builder's `--interactions` CSV
 *   format (aggregate-interactions.ts: header session,item,timestamp,event; a user is a
 *   session; item = the catalog id, MovieLens item id; timestamp = unix seconds; event
 *   `rating`). Rows go user by user, each user's ratings oldest first with equal timestamps
 *   in the (user, item) hash order, which the builder keeps (equal timestamps keep log order).
 * - `recommendRequests`: one batch-recommend request per case (JSONL): `user` = the case key,
 *   `history` = the case's history as views, `at` = time·1000 + position (milliseconds that
 *   keep the hash order of equal seconds), `request` = for-you with k (protocol C adds an
 *   id filter to the new items).
 * - `readRankedLists`: the batch output `{"user": KEY, "items": [id, …]}` per line, back onto
 *   the cases as a row for run-statistics.ts, with the same rules as the in-process runner
 *   (history and non-candidates dropped, then the first k).
 *
 * Nothing here is committed: the files are derived from MovieLens and belong in eval-results/.
 */
import type { RecommendRequest } from '../../protocol/recommend.ts';
import type { TrainData, UserCase } from './eval-types.ts';
import type { RowLists } from './run-statistics.ts';

/** The catalog id of an item index (movie-catalog.ts uses the same). */
const catalogId = (item: number): string => String(item + 1);

/** A case's key in request and list files: `USER#HISTORY_LENGTH` (a user's cases differ in history length). */
export const caseKey = (c: Pick<UserCase, 'user' | 'history'>): string => `${c.user}#${c.history.length}`;

/** A lists file that does not match the cases: the message names the file and the line. */
export class RankedListsError extends Error {
  override readonly name = 'RankedListsError';
}

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The split's training log as the builder's `--interactions` CSV (training data is already in hash order). */
export function interactionsCsv(train: TrainData): string {
  const lines = ['session,item,timestamp,event'];
  for (const r of train.ratings) lines.push([String(r.user), catalogId(r.item), String(r.time), 'rating'].map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

export interface RequestOptions {
  k: number;
  /** Fields merged into every request (default: for-you, no MMR, as the harness's headline rows rank). */
  request?: Partial<RecommendRequest>;
}

/** One batch-recommend request line per case. */
export function recommendRequests(cases: readonly UserCase[], options: RequestOptions): string {
  return cases
    .map((c) => {
      const history = c.history.map((item, i) => ({ itemId: catalogId(item), type: 'view', at: c.historyTimes[i]! * 1000 + i }));
      const request: RecommendRequest = { mode: 'for-you', k: options.k, diversity: false, ...options.request };
      if (c.candidates) request.filters = [...(request.filters ?? []), { field: 'id', in: Array.from(c.candidates, catalogId) }];
      return JSON.stringify({ user: caseKey(c), history, request });
    })
    .map((line) => `${line}\n`)
    .join('');
}

export interface RankedListsReport {
  /** Items dropped because the case's history has them or they are not candidates. */
  droppedSeen: number;
  droppedNotCandidate: number;
  /** Cases whose list had fewer than k items left. */
  shortLists: number;
}

/**
 * Reads `{"user": KEY, "items": [...]}` lines (KEY = caseKey, or a bare user id when the user has
 * one case) into a row aligned with `cases`. Every case needs exactly one line; an unknown key,
 * an item outside the catalog or a malformed line is a RankedListsError.
 */
export function readRankedLists(
  text: string,
  source: string,
  cases: readonly UserCase[],
  k: number,
  itemCount: number,
  row: { name: string; group?: string },
): RowLists & { report: RankedListsReport } {
  const index = new Map<string, number>();
  const perUser = new Map<number, number[]>();
  cases.forEach((c, i) => {
    index.set(caseKey(c), i);
    perUser.set(c.user, [...(perUser.get(c.user) ?? []), i]);
  });
  for (const [user, list] of perUser) if (list.length === 1) index.set(String(user), list[0]!);
  const lists = new Array<number[] | undefined>(cases.length);
  const report: RankedListsReport = { droppedSeen: 0, droppedNotCandidate: 0, shortLists: 0 };
  text.split('\n').forEach((raw, lineIndex) => {
    const fail = (problem: string): never => {
      throw new RankedListsError(`${source} line ${lineIndex + 1}: ${problem}`);
    };
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected a JSON object {"user": …, "items": […]}');
    const { user, items } = json as { user?: unknown; items?: unknown };
    if (typeof user !== 'string' && typeof user !== 'number') return fail('"user" must be a case key (USER#HISTORY_LENGTH) or a user id');
    const at = index.get(String(user));
    if (at === undefined) return fail(`no evaluated case has the key ${JSON.stringify(user)}`);
    if (lists[at]) return fail(`a second list for ${JSON.stringify(user)}`);
    if (!Array.isArray(items)) return fail('"items" must be a list of item ids');
    const c = cases[at]!;
    const seen = new Set(c.history);
    const candidates = c.candidates ? new Set(c.candidates) : undefined;
    const kept: number[] = [];
    for (const id of items) {
      const item = (typeof id === 'string' || typeof id === 'number') && /^\d+$/.test(String(id)) ? Number(id) - 1 : -1;
      if (!(item >= 0 && item < itemCount)) return fail(`item ${JSON.stringify(id)} is not a catalog id (1…${itemCount})`);
      if (seen.has(item)) report.droppedSeen++;
      else if (candidates && !candidates.has(item)) report.droppedNotCandidate++;
      else if (!kept.includes(item) && kept.length < k) kept.push(item);
    }
    if (kept.length < k) report.shortLists++;
    lists[at] = kept;
  });
  const missing = cases.filter((_, i) => !lists[i]);
  if (missing.length > 0) throw new RankedListsError(`${source}: no list for ${missing.length} of ${cases.length} cases (first: ${caseKey(missing[0]!)})`);
  return { name: row.name, group: row.group ?? 'product path', lists: lists as number[][], report };
}

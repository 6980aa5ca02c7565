/**
 * Per-user random streams for the evaluation: each user's draws depend only on (seed, salt,
 * user), never on which other users are evaluated or in what order, so a split, a
 * `--limit-users` run and a full run give every user the same random split and scores.
 */
import { mulberry32 } from '../../shared/seeded-random.ts';

export function userStream(seed: number, user: number, salt: number): () => number {
  // Mix the three numbers with distinct odd multipliers (murmur-style) so nearby users,
  // seeds or salts do not start mulberry32 from nearby states.
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (user + Math.imul(salt, 0x27d4eb2f)), 0xc2b2ae35);
  h ^= h >>> 16;
  return mulberry32(h >>> 0);
}

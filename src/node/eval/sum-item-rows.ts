/**
 * x_u·W for a binary history x_u: the sum of W's rows for the user's distinct history items.
 * ItemKNN and EASE both score this way (W = similarities, or EASE's B).
 */
import { itemAt } from '../../shared/item-at.ts';
export function sumItemRows(matrix: Float32Array, itemCount: number, history: readonly number[]): Float32Array {
  const sum = new Float64Array(itemCount);
  for (const item of new Set(history)) {
    const row = item * itemCount;
    for (let j = 0; j < itemCount; j++) sum[j] = itemAt(sum, j) + itemAt(matrix, row + j);
  }
  return Float32Array.from(sum);
}

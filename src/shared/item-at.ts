/**
 * `array[index]` where the caller's own bounds guarantee the element exists (loop limits, a
 * length checked before). Under `noUncheckedIndexedAccess` every index read may be undefined;
 * this says so once and throws a clear error if that guarantee is ever broken (a bug, never
 * bad input), instead of letting `undefined` flow on as NaN.
 */
export function itemAt<T>(array: ArrayLike<T>, index: number): T {
  const value = array[index];
  if (value === undefined) throw new RangeError(`index ${index} is out of range (length ${array.length})`);
  return value;
}

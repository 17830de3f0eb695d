// A guard for numbers a store writes: NaN or Infinity in a record is a bug to stop at once.

/** `n`, or a RangeError naming `what` when it is not a finite number. */
export function finite(n: number, what: string): number {
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, got ${n}`);
  return n;
}

/**
 * A bounded memo for the engine's pure number parsing (libphonenumber costs tens of microseconds per
 * call; dialled numbers repeat a lot). Results depend only on the arguments, so memoising keeps every
 * decision a deterministic function of its inputs. When full, the table starts over.
 */
export function memoByKey<A extends unknown[], R>(fn: (...args: A) => R, key: (...args: A) => string, capacity = 50_000): (...args: A) => R {
  const table = new Map<string, R>();
  return (...args: A): R => {
    const k = key(...args);
    const hit = table.get(k);
    if (hit !== undefined || table.has(k)) return hit as R;
    if (table.size >= capacity) table.clear();
    const r = fn(...args);
    table.set(k, r);
    return r;
  };
}

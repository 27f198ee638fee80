import type { Rng } from './rng.ts';

/**
 * Ordered crossover (OX) on giant tours: the child keeps a random circular slice of parent A in place and
 * takes the remaining nodes in the order they follow the slice in parent B.
 */
export function orderedCrossover(a: Int32Array, b: Int32Array, rng: Rng, seen: Uint8Array, minNode: number): Int32Array {
  const n = a.length;
  const child = new Int32Array(n);
  if (n < 2) {
    child.set(a);
    return child;
  }
  const start = rng.int(n);
  let end = rng.int(n);
  while (end === start) end = rng.int(n);
  seen.fill(0);
  let k = start;
  while (k !== (end + 1) % n) {
    child[k] = a[k];
    seen[a[k] - minNode] = 1;
    k = (k + 1) % n;
  }
  for (let i = 1; i <= n; i++) {
    const v = b[(end + i) % n];
    if (seen[v - minNode]) continue;
    child[k] = v;
    k = (k + 1) % n;
  }
  return child;
}

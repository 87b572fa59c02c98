/**
 * What a search saw, as TLC's coverage report gives it: how many new states each
 * depth brought, and how often each action kind (for netlink: each step label)
 * fired. Engines feed it from their hot loop, so counting is one array increment
 * per transition when the spec numbers its kinds (`Spec.kindIndex`), and one map
 * lookup otherwise.
 */
import type { ActionBase, Spec } from '../model/interface.js';
import type { StateSpace } from './result.js';

/** Firings per action kind. */
export class FiringCounter<A extends ActionBase> {
  private counts = new Float64Array(256);
  /** The kind's name at each index, recorded when the index first fires. */
  private readonly names: string[] = [];
  /** Without `kindIndex`: the index this counter gave each kind, in order of first firing. */
  private readonly slots = new Map<string, number>();
  private readonly index: ((a: A) => number) | undefined;

  constructor(spec: Pick<Spec<unknown, A>, 'kindIndex'>) {
    this.index = spec.kindIndex?.bind(spec);
  }

  /** Count one firing of `a`. */
  add(a: A): void {
    const i = this.index ? this.index(a) : this.slotOf(a.kind);
    if (!(i >= 0 && i < this.counts.length)) this.grow(i); // also refuses a negative or NaN index
    if (this.counts[i]++ === 0) this.names[i] = a.kind;
  }

  /** Kind -> firings, for the kinds that fired: in the order of `order` (the spec's kinds) first, then by index. */
  fired(order: readonly string[] = []): Map<string, number> {
    const byName = new Map<string, number>();
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i];
      // Two indices of one kind would be a spec whose kindIndex is not a function of the kind: add them up.
      if (name !== undefined) byName.set(name, (byName.get(name) ?? 0) + this.counts[i]);
    }
    const out = new Map<string, number>();
    for (const k of order) if (byName.has(k)) out.set(k, byName.get(k)!);
    for (const [k, n] of byName) if (!out.has(k)) out.set(k, n);
    return out;
  }

  private slotOf(kind: string): number {
    let i = this.slots.get(kind);
    if (i === undefined) {
      i = this.slots.size;
      this.slots.set(kind, i);
    }
    return i;
  }

  private grow(i: number): void {
    if (!(Number.isSafeInteger(i) && i >= 0 && i < 1 << 20)) throw new RangeError(`kindIndex must be a small integer >= 0, got ${i}`);
    let n = this.counts.length;
    while (n <= i) n *= 2;
    const bigger = new Float64Array(n);
    bigger.set(this.counts);
    this.counts = bigger;
  }
}

/**
 * The summary of a run: `levels[d]` new distinct states first reached at depth d
 * (whatever `total` the levels do not account for were admitted at the depth after
 * the last one, by a level cut short), and the firings of each kind. The kinds that
 * never fired are listed only when the spec can say which kinds it has.
 */
export function stateSpaceOf<A extends ActionBase>(
  spec: Pick<Spec<unknown, A>, 'kinds'>,
  levels: readonly number[],
  total: number,
  counter: FiringCounter<A>,
): StateSpace {
  const depths = [...levels];
  const rest = total - depths.reduce((a, b) => a + b, 0);
  if (rest > 0) depths.push(rest);
  const kinds = spec.kinds?.();
  const fired = counter.fired(kinds);
  return {
    depths,
    fired: Object.fromEntries(fired),
    ...(kinds ? { neverFired: kinds.filter((k) => !fired.has(k)) } : {}),
  };
}

/**
 * Thread names by state layout. A property's `explain(s)` sees only the state,
 * whose threads are indices; the names live in the spec's context. buildSpec
 * records them here against the layout every state of that spec shares, so an
 * explanation can say "plain" instead of "thread 1". A WeakMap: a spec that is
 * dropped takes its entry with it.
 */
const NAMES = new WeakMap<object, readonly string[]>();

export function nameThreads(layout: object, names: readonly string[]): void {
  NAMES.set(layout, names);
}

/** The name of thread `ti` of a state with this layout (`thread <ti>` for a layout nobody named). */
export function threadName(layout: object, ti: number): string {
  return NAMES.get(layout)?.[ti] ?? `thread ${ti}`;
}

/**
 * Helpers for the clause-by-clause tests of the properties (src/props).
 *
 * Every test starts from a real state of the spec (a catalogue scenario's
 * initial state, or a short run of one thread from it), checks that the
 * property holds there, then edits one or two fields through the state views to
 * make exactly one clause of the property fail. Editing a copy keeps the two
 * states side by side, so each test shows the smallest change the clause is
 * sensitive to.
 */
import { expect } from 'vitest';
import { listProperties } from '../../src/catalog.js';
import type { Property } from '../../src/model/interface.js';
import { cloneState, type State } from '../../src/model/state.js';
import { catalogModel, runActor, type Model } from '../model/helpers.js';
import { W } from '../../src/props/witnesses.js';

export interface Base {
  readonly m: Model;
  readonly s: State;
}

/** The initial state of catalogue scenario `sc` on `variant` (linux-4.5 unless given). */
export function init(sc: string, variant = 'linux-4.5'): Base {
  const m = catalogModel(variant, sc);
  return { m, s: m.spec.init() };
}

/** Run thread `actor` alone (first enabled choice each time) from `b.s` until `until` holds. */
export function runUntil(b: Base, actor: string, until: (s: State) => boolean, maxSteps = 100): State {
  return runActor(b.m, b.s, actor, until, maxSteps).state;
}

/** The invariant (or witness) with this id; throws for an unknown id, so a renamed property fails its tests. */
export function prop(id: string): Property<State> {
  const p = listProperties().find((x) => x.id === id) ?? Object.values(W).find((x) => x.id === id);
  if (p === undefined) throw new Error(`no property ${id}`);
  return p;
}

/** A copy of `s` with `edit` applied (the transient record of the last step is copied too). */
export function edit(s: State, change: (x: State) => void): State {
  const t = cloneState(s);
  change(t);
  return t;
}

/** `id` holds in `s`. */
export function expectHolds(id: string, s: State, why = ''): void {
  expect(prop(id).holds(s), `${id} should hold${why ? `: ${why}` : ''}`).toBe(true);
}

/** `id` fails in `s`. */
export function expectFails(id: string, s: State, why = ''): void {
  expect(prop(id).holds(s), `${id} should fail${why ? `: ${why}` : ''}`).toBe(false);
}

/**
 * The clause test: `id` holds in `holding`, and the copy of `holding` changed by
 * `breakIt` (the smallest edit that falsifies exactly the clause under test)
 * fails it. Returns the failing state for further checks.
 */
export function expectClause(id: string, holding: State, breakIt: (x: State) => void): State {
  expectHolds(id, holding, 'before the edit');
  const failing = edit(holding, breakIt);
  expectFails(id, failing, 'after the edit');
  return failing;
}

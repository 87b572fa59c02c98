/**
 * The full dump of a trace, every state drawn after every step: what `--verbose`
 * prints, and what a trace without structured views falls back to. The default
 * text output is the timeline of timeline.ts, which shows only what changed.
 *
 *     0. init
 *          <drawing of the initial state>
 *     1. kernel[prod1]: reserve rx frame 2
 *          <drawing after step 1>
 */
import type { TraceStep } from '../check/result.js';

export function traceLines(trace: readonly TraceStep[]): string[] {
  const width = String(Math.max(trace.length - 1, 0)).length;
  const pad = ' '.repeat(2 + width + 2 + 2); // drawings sit two columns right of the step text
  const lines: string[] = [];
  trace.forEach((step, i) => {
    lines.push(`  ${String(i).padStart(width)}. ${step.action}`);
    for (const row of step.state.split('\n')) lines.push(row === '' ? '' : pad + row);
  });
  return lines;
}

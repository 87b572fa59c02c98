/**
 * The HTML report: one self-contained page (inline CSS and script, no network, no
 * external fonts; it works from file://) with the verdicts of every run, the
 * variant matrix when there is one, and each counterexample as a step-through view
 * (previous/next buttons and keys, kernel and userspace steps in separate lanes
 * with their citations, an SVG of both rings and the rest of the state at the
 * current step, the property and the step that breaks it).
 *
 * Pure: no I/O and no engine calls. The counterexamples are the violations of the
 * given results that carry a trace (bfs gives every violation its trace, the ones
 * of --all-violations included); a result read back from JSON has none, and
 * `withTraces` (src/report/html-traces.ts) rebuilds them by replay before this runs.
 *
 * Safety: every text from the input (variant and scenario names, which may come from
 * user files, thread names, explanations, citations) is HTML-escaped here, and the
 * step views go to the page as JSON in a `<script type="application/json">` block
 * with `<`, `>` and `&` written as \u escapes, which the page's script reads and
 * draws with textContent only. A Content-Security-Policy allows no network and only
 * the page's own script and style (by hash), so even a missed escape could not run.
 *
 * Deterministic: no dates and no wall times, so the same input gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { stopPhrase, violationReplay, type CheckResult, type TraceStep, type Violation } from '../check/result.js';
import { aggregate, type Matrix } from '../matrix.js';
import { HTML_CSS, HTML_SCRIPT } from './html-assets.js';

/** One counterexample to show as a step-through view. */
export interface HtmlCounterexample {
  readonly variant: string;
  readonly scenario: string;
  /** The violation, with its trace (`trace[0]` is init; each later step has `step` and, from the netlink spec, `view`). */
  readonly violation: Violation;
  /** The command that reproduces it (restricted to its property when it is not the run's first). */
  readonly replay: string;
}

/** What `formatHtml` draws. Every field but `version` is optional. */
export interface HtmlReportInput {
  /** The nlring version, shown in the header (never a date: the page must be reproducible). */
  readonly version: string;
  /** The page's title; default `nlring report`. */
  readonly title?: string;
  /** Runs, e.g. check-all's: drawn as the variant x scenario verdict table; their violations with traces become counterexamples. */
  readonly results?: readonly CheckResult[];
  /** A variant matrix (src/matrix.ts): its property x variant table, and its runs as for `results`. */
  readonly matrix?: Matrix;
  /** How the runs were made, shown in the header as `name: value` (engine, budgets, ...); in the given order. */
  readonly settings?: readonly (readonly [string, string])[];
  /** Lines shown in a banner at the top, e.g. that the run was interrupted and the report is INCOMPLETE. */
  readonly notices?: readonly string[];
  /**
   * Counterexamples to show besides those of `results` and `matrix.runs` (e.g. traces a
   * caller rebuilt itself). One equal to another (variant, scenario, property, path) is shown once.
   */
  readonly counterexamples?: readonly HtmlCounterexample[];
  /**
   * What each scenario is, by scenario id (the catalogue's `listScenarios()` descriptions):
   * each counterexample opens with its scenario's, so a reader meets `copy-mixed` with
   * what it sets up. A scenario not in the map gets no sentence. Given by the callers, so
   * this module reads no catalogue.
   */
  readonly scenarioDescriptions?: Readonly<Record<string, string>>;
}

/** `scenarioDescriptions` from a catalogue's `listScenarios()` (the callers' one line). */
export function scenarioDescriptionsOf(scenarios: readonly { readonly id: string; readonly description: string }[]): Record<string, string> {
  return Object.fromEntries(scenarios.map((x) => [x.id, x.description]));
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values: the five characters HTML gives a meaning. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** JSON that is safe inside a `<script>` block: no `<`, `>` or `&` (so no `</script>` or `<!--`), no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Every violation of these runs that has a trace, in run order and, within a run, in its order, with its replay command. */
export function counterexamplesOf(results: readonly CheckResult[]): HtmlCounterexample[] {
  const out: HtmlCounterexample[] = [];
  for (const r of results) {
    const list = r.violations ?? (r.violation ? [r.violation] : []);
    list.forEach((v, i) => {
      if (v.kind !== 'always' || v.trace.length === 0) return;
      out.push({ variant: r.variant, scenario: r.scenario, violation: v, replay: r.violations ? violationReplay(r, i) : r.replay });
    });
  }
  return out;
}

const e = escapeHtml;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const key = (variant: string, scenario: string, property: string) => `${variant}\0${scenario}\0${property}`;

/** The page. See HtmlReportInput for what it shows. */
export function formatHtml(input: HtmlReportInput): string {
  const runs = [...(input.results ?? []), ...(input.matrix?.runs ?? [])];
  const cxs: HtmlCounterexample[] = [];
  const seen = new Set<string>();
  for (const c of [...counterexamplesOf(runs), ...(input.counterexamples ?? [])]) {
    const k = key(c.variant, c.scenario, c.violation.property) + `\0${c.violation.path}`;
    if (seen.has(k) || c.violation.trace.length === 0) continue;
    seen.add(k);
    cxs.push(c);
  }
  // The first counterexample of each (variant, scenario, property): where the tables link.
  const anchors = new Map<string, string>();
  cxs.forEach((c, i) => {
    const k = key(c.variant, c.scenario, c.violation.property);
    if (!anchors.has(k)) anchors.set(k, `cx-${i + 1}`);
  });

  const title = input.title ?? 'nlring report';
  const pool = new Pool();
  const counterexamples = cxs.map((c) => cxData(c, pool));
  const data = { pool: pool.entries, counterexamples };
  const body = [
    `<h1>${e(title)}</h1>`,
    header(input, runs),
    ...(input.notices ?? []).map((n) => `<div class="banner">${e(n)}</div>`),
    runs.length > 0 ? verdictTable(runs, anchors) : '',
    input.matrix ? propertyTable(input.matrix, anchors) : '',
    `<h2 id="counterexamples">Counterexamples (${cxs.length})</h2>`,
    cxs.length === 0 ? '<p class="none">No run found a counterexample.</p>' : howToRead(),
    ...cxs.map((c, i) => cxSection(c, i, input.scenarioDescriptions?.[c.scenario])),
  ].filter((x) => x !== '');

  const css = HTML_CSS;
  const script = HTML_SCRIPT;
  const csp = `default-src 'none'; img-src data:; style-src '${sha256(css)}'; script-src '${sha256(script)}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No favicon request from the page (it has no network to go to).
    '<link rel="icon" href="data:,">',
    `<title>${e(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    SVG_DEFS,
    ...body,
    `<script type="application/json" id="nlring-data">${scriptJson(data)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/** The hatch of a frame a kernel thread holds, and the arrow that closes each ring, defined once for every drawing. */
const SVG_DEFS =
  '<svg class="defs" aria-hidden="true" focusable="false"><defs>' +
  '<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="8" fill="#c0392b" fill-opacity="0.22"/></pattern>' +
  '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#8c94a5"/></marker>' +
  '</defs></svg>';

function header(input: HtmlReportInput, runs: readonly CheckResult[]): string {
  const variants = unique(runs.map((r) => r.variant));
  const scenarios = unique(runs.map((r) => r.scenario));
  const n = (v: string) => runs.filter((r) => r.verdict === v).length;
  const lines = [`<p class="meta">Generated by <b>nlring ${e(input.version)}</b>, an explicit-state model checker for Linux memory-mapped netlink I/O.</p>`];
  if (variants.length > 0) lines.push(`<p class="meta">Variants: ${variants.map((v) => `<b>${e(v)}</b>`).join(', ')}. ${plural(scenarios.length, 'scenario')}.</p>`);
  if (runs.length > 0) {
    lines.push(`<p class="meta">${plural(runs.length, 'run')}: ${n('pass')} pass, ${n('fail')} fail, ${n('incomplete')} incomplete.</p>`);
  }
  const settings = input.settings ?? [];
  if (settings.length > 0) lines.push(`<p class="meta">Settings: ${settings.map(([k, v]) => `${e(k)} <b>${e(v)}</b>`).join('; ')}.</p>`);
  return lines.join('\n');
}

function unique(xs: readonly string[]): string[] {
  return xs.filter((x, i) => xs.indexOf(x) === i);
}

/** Scenarios down, variants across: each run's verdict and what it found, linked to its counterexamples. */
function verdictTable(runs: readonly CheckResult[], anchors: Map<string, string>): string {
  const variants = unique(runs.map((r) => r.variant));
  const scenarios = unique(runs.map((r) => r.scenario));
  const rows = scenarios.map((s) => {
    const cells = variants.map((v) => {
      const r = runs.find((x) => x.variant === v && x.scenario === s);
      return r ? runCell(r, anchors) : '<td class="v-na">-</td>';
    });
    return `<tr><th scope="row">${e(s)}</th>${cells.join('')}</tr>`;
  });
  return [
    '<h2 id="verdicts">Verdicts: scenarios by variants</h2>',
    '<p class="small">PASS: every property held in every reachable state and every witness was reached. FAIL: a property was violated (each links to its counterexample below), or a witness was never reached (VACUOUS). INCOMPLETE: a budget stopped the run before anything was found; it proves nothing beyond the states explored.</p>',
    `<table class="grid verdicts"><thead><tr><th>scenario</th>${variants.map((v) => `<th scope="col">${e(v)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

function runCell(r: CheckResult, anchors: Map<string, string>): string {
  const states = `<div class="small">${r.states} states, depth ${r.maxDepth}</div>`;
  const attrs = `data-variant="${e(r.variant)}" data-scenario="${e(r.scenario)}"`;
  if (r.verdict === 'pass') return `<td class="v-pass" ${attrs}><span class="verdict">PASS</span>${states}</td>`;
  if (r.verdict === 'incomplete') return `<td class="v-incomplete" ${attrs}><span class="verdict">INCOMPLETE</span><div>${e(stopPhrase(r.stats?.stoppedBy))}</div>${states}</td>`;
  const v = r.violation!;
  if (v.kind === 'sometimes') return `<td class="v-vacuous" ${attrs}><span class="verdict">VACUOUS</span><div>${e(v.property)} never reached</div>${states}</td>`;
  const list = (r.violations ?? [v]).map((x) => {
    const id = e(x.property);
    const anchor = anchors.get(key(r.variant, r.scenario, x.property));
    const text = `${id} after ${plural(x.steps.length, 'step')}`;
    return `<li>${anchor ? `<a href="#${anchor}">${text}</a>` : text}</li>`;
  });
  const stopped = r.stats?.stoppedBy ? `<div class="small">then ${e(stopPhrase(r.stats.stoppedBy))}</div>` : '';
  return `<td class="v-fail" ${attrs}><span class="verdict">FAIL</span><ul>${list.join('')}</ul>${stopped}${states}</td>`;
}

/** The matrix's own view: properties down, variants across, each cell the worst over the scenarios that check it. */
function propertyTable(m: Matrix, anchors: Map<string, string>): string {
  const rows = m.properties.map((p) => {
    const cells = m.variants.map((v) => {
      const a = aggregate(m, v, p);
      switch (a.verdict) {
        case 'n/a':
          return '<td class="v-na">-</td>';
        case 'pass':
          return `<td class="v-pass">pass (${a.count})</td>`;
        case 'fail': {
          const anchor = anchors.get(key(v, a.scenario!, p));
          const text = `FAIL ${a.steps} (${a.count}/${a.checked})`;
          return `<td class="v-fail">${anchor ? `<a href="#${anchor}">${text}</a>` : text}<div class="small">shortest in ${e(a.scenario!)}</div></td>`;
        }
        default:
          return `<td class="v-${a.verdict}">${a.verdict.toUpperCase()} (${a.count}/${a.checked})</td>`;
      }
    });
    return `<tr><th scope="row">${e(p)}</th>${cells.join('')}</tr>`;
  });
  return [
    '<h2 id="matrix">Variant matrix: properties by variants</h2>',
    '<p class="small">A cell is the worst verdict over the c scenarios that check the property: FAIL n (k/c) = violated in k of them, shortest counterexample n steps (linked); INCOMPLETE (k/c) = a budget stopped k runs first; VACUOUS (k/c) = held, but k scenarios missed a witness; pass (c) = held in all c; - = no scenario checks it.</p>',
    `<table class="grid matrix"><thead><tr><th>property</th>${m.variants.map((v) => `<th scope="col">${e(v)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

/** How to read a counterexample: the keys and the symbols of the drawings. */
function howToRead(): string {
  const box = (cls: string, extra = '') =>
    `<svg width="34" height="22" viewBox="0 0 34 22" aria-hidden="true"><rect class="fr ${cls}" x="2" y="2" width="30" height="18" rx="3"/>${extra}</svg>`;
  const hatch = '<rect x="2" y="2" width="30" height="18" rx="3" fill="url(#hatch)" stroke="none"/>';
  // [symbol, text, what the page's script looks for in a counterexample to undim the entry (html-assets.ts, symbolsOf)].
  const items = [
    [box('st-UNUSED'), 'UNUSED: free, the kernel may fill it', 'st-UNUSED'],
    [box('st-RESERVED'), 'RESERVED: a producer is building a message in it', 'st-RESERVED'],
    [box('st-VALID'), 'VALID: a message for the reader, in the frame', 'st-VALID'],
    [box('st-COPY'), 'COPY: the message is on the receive queue; read it with recvmsg', 'st-COPY'],
    [box('st-SKIP'), 'SKIP: the reader keeps it for later; the kernel passes it', 'st-SKIP'],
    [box('st-UNUSED h-claimed', hatch), 'red dashed and hatched: a kernel thread holds the frame (claimed for a COPY, reserved, or writing it); the label names it. A claimed frame still reads UNUSED', 'kernel-holds'],
    [box('st-SKIP h-held'), 'purple dotted: a reader holds the frame as SKIP', 'held'],
    ['<svg width="34" height="22" aria-hidden="true"><rect class="chg" x="3" y="3" width="28" height="16" rx="3"/></svg>', 'yellow outline (and yellow rows below): changed by this step; on a K or a cursor: it moved there in this step', 'always'],
    ['<svg width="34" height="22" aria-hidden="true"><path class="khead" d="M9 4 h16 l-8 12 z"/></svg>', 'K: the kernel head, the frame the kernel fills next', 'khead'],
    ['<svg width="34" height="22" aria-hidden="true"><path class="cursor" d="M17 4 l-7 12 h14 z"/></svg>', 'cursor of T: the frame userspace thread T looks at next (it cannot see the kernel head)', 'cursor'],
    ['<span class="chip">m3#1</span>', 'message 3 carrying id (sequence number) 1; nm_len is the length in the frame header', 'msg'],
    ['<span class="chip">queued skb: m3#1</span>', 'on a frame: the skb on the receive queue that this frame stands for (a COPY: recvmsg reads it from the queue)', 'queued'],
    ['<span class="chip small"><i>left over: m1</i></span>', 'on an UNUSED frame: what it last held; free, nothing to read', 'leftover'],
    ['<span class="chip">POLLIN|POLLOUT</span>', 'poll returned this mask to the thread in this step (threads table, and under the step)', 'poll'],
    ['<span class="mark">\u2717</span>', 'the step after which the property is violated', 'always'],
  ];
  return [
    '<p>Each counterexample is a shortest run of the model that breaks a property: the kernel\'s and the programs\' steps, interleaved as the checker found them, from the initial state to the state that breaks it. Step through it and watch the rings change; the symbols are these:</p>',
    '<div class="legend" id="legend">',
    ...items.map(([sym, text, what]) => `<div data-sym="${what}"><span class="sym">${sym}</span><span>${text}</span></div>`),
    '</div>',
    '<p class="small legend-note">An entry is dimmed when its symbol never appears in the chosen counterexample.</p>',
    '<p class="keys">Step list: each row is one atomic step of the model; <span class="chip lane-k">kernel</span> steps are kernel code running in the named thread (a subsystem\'s kernel thread, or a userspace thread inside a syscall: <i>consumer (in syscall)</i>), <span class="chip lane-u">userspace</span> steps are the program\'s own code. Under each step, in grey, the kernel (or library) code it models. ' +
      'Keys act on the outlined counterexample (click one to choose it): <kbd>\u2192</kbd> or <kbd>j</kbd> next step, <kbd>\u2190</kbd> or <kbd>k</kbd> previous step, <kbd>Home</kbd> / <kbd>End</kbd> first / last step, <kbd>v</kbd> the violating step, <kbd>]</kbd> / <kbd>[</kbd> next / previous counterexample. Clicking a step shows the state after it.</p>',
  ].join('\n');
}

/** `kernel[plain]: text` -> lane, actor and text, from the step info or else from the line itself. */
function laneOf(t: TraceStep): { lane: 'kernel' | 'user' | null; actor: string; text: string } {
  const m = /^(kernel|user|cpu)\[([^\]]*)\]: ([^]*)$/.exec(t.action);
  if (t.step) return { lane: t.step.lane, actor: t.step.actor, text: m && m[2] === t.step.actor ? m[3] : t.action };
  if (m) return { lane: m[1] === 'user' ? 'user' : 'kernel', actor: m[2], text: m[3] };
  return { lane: null, actor: '', text: t.action };
}

/** Threads of a view as far as this module reads them: name, program, and what poll returned to it in the step. */
interface ThreadLike {
  readonly name: string;
  readonly program: string;
  readonly pollMask?: string | null;
}

function threadsOf(view: unknown): readonly ThreadLike[] {
  const ts = (view as { threads?: unknown } | null | undefined)?.threads;
  return Array.isArray(ts) ? ts.filter((t): t is ThreadLike => typeof t?.name === 'string' && typeof t?.program === 'string') : [];
}

/** What each program of the netlink spec is, for the reader meeting a thread name for the first time. */
const PROGRAM_ROLES: Readonly<Record<string, string>> = {
  producer: 'kernel code of a subsystem that sends messages to this socket (its steps are in the kernel lane)',
  consumer: 'the userspace program reading this socket: frames of its RX ring, and recvmsg for a COPY frame; its poll and recvmsg calls run kernel code in its name',
  txuser: 'a userspace program sending through the TX ring (fills frames, then sendto or sendmsg)',
  sibling: 'a hostile thread sharing the mapping (CLONE_VM without CLONE_FILES) that may rewrite TX frames at any moment',
  forker: 'a thread that forks the process owning the mapping; the child then exits',
  setup: 'a userspace thread that reconfigures the socket (setsockopt of a ring, mmap, munmap, close)',
};

/** `ring, plain and mcast: producer (...)`: the threads of the initial state grouped by program, with what the program is. */
function threadIntro(threads: readonly ThreadLike[]): string {
  const programs = unique(threads.map((t) => t.program));
  const groups = programs.map((p) => {
    const names = threads.filter((t) => t.program === p).map((t) => `<b>${e(t.name)}</b>`);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
    const role = PROGRAM_ROLES[p];
    // A thread named after its program (consumer, txuser) needs its program said once, not twice.
    const program = names.length === 1 && threads.find((t) => t.program === p)!.name === p ? '' : `: ${e(p)}`;
    return `${list}${program}${role ? ` (${e(role)})` : ''}`;
  });
  return groups.length > 0 ? `<p class="intro"><b>Threads:</b> ${groups.join('; ')}.</p>` : '';
}

/** More than this many steps: the step list scrolls, with a hint of how many steps are below. */
const LONG_TRACE = 24;

function cxSection(c: HtmlCounterexample, i: number, description: string | undefined): string {
  const v = c.violation;
  const last = v.trace.length - 1;
  const id = `cx-${i + 1}`;
  const initialThreads = threadsOf(v.trace[0]?.view);
  // A kernel step whose actor is a userspace thread runs inside one of its system calls (poll, recvmsg, sendmsg, ...).
  const userThreads = new Set(initialThreads.filter((t) => t.program !== 'producer').map((t) => t.name));
  const items = v.trace.map((t, n) => {
    const mark = n === last ? `<div class="mark">\u2717 ${e(v.property)} is violated in the state after this step</div>` : '';
    if (n === 0) return `<li data-step="0"><div class="n">0</div><div class="both">initial state${mark}</div></li>`;
    const { lane, actor, text } = laneOf(t);
    const cite = t.step?.cites ? `<div class="cite">${e(t.step.cites)}</div>` : '';
    const insys = lane === 'kernel' && userThreads.has(actor) ? ' <span class="insys">(in syscall)</span>' : '';
    const polled = threadsOf(t.view)
      .filter((x) => typeof x.pollMask === 'string')
      .map((x) => `<div class="ret">poll returned <span class="chip">${e(x.pollMask!)}</span> to ${e(x.name)}</div>`)
      .join('');
    const cell = `<span class="actor">${e(actor)}${insys}</span>${e(text)}${polled}${cite}${mark}`;
    const lanes =
      lane === 'kernel' ? `<div class="lane-k">${cell}</div><div class="lane-u"></div>` : lane === 'user' ? `<div class="lane-k"></div><div class="lane-u">${cell}</div>` : `<div class="both">${e(text)}${cite}${mark}</div>`;
    return `<li data-step="${n}" data-lane="${lane ?? 'unknown'}"${n === last ? ' class="violating"' : ''}><div class="n">${n}</div>${lanes}</li>`;
  });
  const explanation = v.explanation ? `<p class="explanation"><b>What broke it:</b> ${e(v.explanation)}</p>` : '';
  const hasViews = v.trace.every((t) => t.view !== undefined);
  return [
    `<section class="cx" id="${id}" data-cx="${i}" data-violation="${last}" data-steps="${last}" data-property="${e(v.property)}" data-variant="${e(c.variant)}" data-scenario="${e(c.scenario)}" tabindex="0">`,
    `<h3>${e(c.scenario)} on ${e(c.variant)}: <span class="pid">${e(v.property)}</span> violated after ${plural(last, 'step')}</h3>`,
    description !== undefined ? `<p class="intro"><b>Scenario ${e(c.scenario)}:</b> ${e(description)}.</p>` : '',
    threadIntro(initialThreads),
    '<div class="prop">',
    `<p><span class="pid">${e(v.property)}</span> <span class="small">(${e(v.family)})</span>: ${e(v.doc)}</p>`,
    explanation,
    `<p class="small">The state after step ${last} (marked \u2717) breaks it. Reproduce: <code>${e(c.replay)}</code></p>`,
    '</div>',
    '<div class="controls">',
    '<button type="button" data-act="first" title="first step (Home)">|\u25c0 first</button>',
    '<button type="button" data-act="prev" title="previous step (\u2190 or k)">\u25c0 previous</button>',
    '<span class="pos" aria-live="polite"></span>',
    '<button type="button" data-act="next" title="next step (\u2192 or j)">next \u25b6</button>',
    '<button type="button" data-act="last" title="last step (End)">last \u25b6|</button>',
    `<button type="button" class="jump" data-act="violation" title="the violating step (v)">\u2717 jump to the violation (v)</button>`,
    '</div>',
    '<div class="cx-body">',
    '<div class="stepcol">',
    `<ol class="steps${last > LONG_TRACE ? ' long' : ''}"><li class="head"><div class="n">#</div><div class="lane-k">kernel</div><div class="lane-u">userspace</div></li>${items.join('')}</ol>`,
    last > LONG_TRACE ? '<div class="more" aria-live="polite"></div>' : '',
    '</div>',
    '<div class="state">',
    '<div class="now"></div>',
    `<div class="violated" hidden><b>\u2717 This state violates ${e(v.property)}.</b>${v.explanation ? ` ${e(v.explanation)}` : ` ${e(v.doc)}`}</div>`,
    hasViews ? '<svg class="rings" role="img" aria-label="the RX and TX rings at this step"></svg><div class="panels"></div>' : '<pre class="fallback"></pre>',
    '</div>',
    '</div>',
    '</section>',
  ]
    .filter((x) => x !== '')
    .join('\n');
}

/**
 * Distinct JSON values of the page, each stored once. A frame, a thread or the socket
 * is mostly the same from one step to the next and across the counterexamples of a
 * scenario, so the page keeps one copy and the views refer to it by index: a matrix's
 * hundreds of counterexamples stay a few megabytes instead of tens.
 */
class Pool {
  readonly entries: unknown[] = [];
  private readonly index = new Map<string, number>();
  add(value: unknown): number {
    const k = JSON.stringify(value);
    let i = this.index.get(k);
    if (i === undefined) {
      i = this.entries.length;
      this.entries.push(value);
      this.index.set(k, i);
    }
    return i;
  }
}

/** A state view of the netlink spec (src/model/view.ts), as far as packing it needs. */
interface PackableView {
  readonly rings: readonly { readonly frames: readonly unknown[] }[];
  readonly socket: unknown;
  readonly threads: readonly unknown[];
  readonly idLock: string | null;
}

function packable(v: unknown): v is PackableView {
  const x = v as PackableView | null;
  return typeof x === 'object' && x !== null && Array.isArray(x.rings) && x.rings.every((r) => Array.isArray(r?.frames)) && Array.isArray(x.threads) && 'socket' in x;
}

/** `{r: [[ring without frames, [frame...]]...], s: socket, t: [thread...], l: idLock}`, every object a pool index; the page's script unpacks it. */
function pack(v: PackableView, pool: Pool): unknown {
  return {
    r: v.rings.map((ring) => {
      const { frames, ...meta } = ring;
      return [pool.add(meta), frames.map((f) => pool.add(f))];
    }),
    s: pool.add(v.socket),
    t: v.threads.map((t) => pool.add(t)),
    l: v.idLock,
  };
}

/**
 * What the page's script needs of a counterexample: the state views, packed (`packed`)
 * when they are the netlink spec's and as they are otherwise, or for a spec without
 * views the text drawings.
 */
function cxData(c: HtmlCounterexample, pool: Pool): { steps: number; packed?: boolean; views?: unknown[]; texts?: string[] } {
  const trace = c.violation.trace;
  const steps = trace.length - 1;
  const views = trace.map((t) => t.view);
  if (views.every(packable)) return { steps, packed: true, views: views.map((v) => pack(v, pool)) };
  if (views.every((v) => v !== undefined)) return { steps, views };
  return { steps, texts: trace.map((t) => t.state) };
}

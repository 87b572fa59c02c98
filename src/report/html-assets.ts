/**
 * The CSS and the browser script of the HTML report (src/report/html.ts), kept
 * apart so html.ts reads as the page's structure. Both are inlined into the page:
 * the report is one file that works from file:// with no network.
 *
 * The script reads the structured state views (src/model/view.ts) from the page's
 * JSON block and draws the state after the current step: an SVG of both rings,
 * the receive queue, the skbs in flight, the locks, the socket and the threads.
 * It builds every node with createElement/createElementNS and sets text with
 * textContent only, never innerHTML, so a name from a user's scenario or patch
 * file is always text, never markup.
 *
 * Plain ES2017 without modules, so it runs as an inline classic script; it must
 * never contain the characters `</` followed by `script` (it would end the block).
 */

export const HTML_CSS = `
:root { --ink:#1d2330; --muted:#5b6475; --line:#c9ced8; --bg:#fbfbfd; --kernel:#eef3fb; --user:#f3f9ee;
  --fail:#b3261e; --pass:#1e7b34; --inc:#8a5a00; --changed:#f2b705; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); margin: 0; padding: 0 1.5rem 3rem; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
h1 { font-size: 1.5rem; margin: 1.2rem 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
h4 { font-size: .9rem; margin: .6rem 0 .25rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.meta { color: var(--muted); margin: 0; }
.meta b { color: var(--ink); font-weight: 600; }
.banner { border: 2px solid var(--fail); background: #fdecea; padding: .5rem .8rem; font-weight: 600; margin: .8rem 0; }
table.grid { border-collapse: collapse; margin: .4rem 0 1rem; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; text-align: left; }
table.grid th { background: #eef0f4; font-weight: 600; }
td.v-pass { background: #eaf6ec; } td.v-fail { background: #fdecea; } td.v-incomplete { background: #fff5dc; } td.v-vacuous { background: #f5ecfd; } td.v-na { color: var(--muted); }
.verdict { font-weight: 700; }
.v-pass .verdict { color: var(--pass); } .v-fail .verdict { color: var(--fail); } .v-incomplete .verdict { color: var(--inc); }
td ul { margin: .2rem 0 0; padding-left: 1.1rem; }
.small { font-size: 12px; color: var(--muted); }
a { color: #1f55c0; }
.legend { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: .35rem 1.2rem; margin: .4rem 0 .2rem; padding: .6rem .8rem; border: 1px solid var(--line); background: #fff; }
/* A fixed symbol column: a wide symbol (a chip) no longer squeezes its text into a narrow column. */
.legend > div { display: grid; grid-template-columns: 9em 1fr; gap: .6rem; align-items: center; transition: opacity .15s; }
.legend .sym { justify-self: center; }
.legend svg { display: block; }
.legend .chip { white-space: nowrap; font-size: 12px; }
.legend > div.absent { opacity: .35; }
.legend-note { margin: 0 0 1rem; }
.keys kbd { border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 3px; padding: 0 .3rem; background: #fff; font-family: inherit; font-size: 12px; }
section.cx { border: 1px solid var(--line); background: #fff; padding: .8rem 1rem 1rem; margin: 1.4rem 0; outline: none; }
section.cx.active { border-color: #1f55c0; box-shadow: 0 0 0 2px #1f55c033; }
.prop { margin: 0 0 .6rem; }
.prop .pid { font-weight: 700; color: var(--fail); }
.prop p { margin: .2rem 0; }
.explanation { background: #fff7e6; border-left: 4px solid var(--inc); padding: .3rem .6rem; }
.controls { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .4rem 0 .6rem; position: sticky; top: 0; background: #fff; z-index: 2; padding: .3rem 0; }
.controls button { font: inherit; padding: .25rem .7rem; border: 1px solid #8c94a5; border-radius: 4px; background: #f4f5f8; cursor: pointer; }
.controls button:disabled { opacity: .45; cursor: default; }
.controls button.jump { border-color: var(--fail); color: var(--fail); }
.controls .pos { font-weight: 600; min-width: 9em; text-align: center; }
.cx-body { display: grid; grid-template-columns: minmax(320px, 5fr) 7fr; gap: 1rem; align-items: start; }
@media (max-width: 1100px) { .cx-body { grid-template-columns: 1fr; } }
.stepcol { min-width: 0; }
/* Short traces show every step (the violating one included); long ones scroll, with a hint of what is below. */
.steps { list-style: none; margin: 0; padding: 0; border: 1px solid var(--line); }
.steps.long { max-height: 78vh; overflow-y: auto; }
.more { font-size: 12px; color: var(--muted); text-align: center; padding: .2rem; border: 1px solid var(--line); border-top: none; background: #f7f8fb; }
.more:empty { display: none; }
.insys { font-weight: 400; color: var(--muted); font-size: 12px; }
.ret { margin-top: .15rem; font-weight: 600; }
.ret .chip { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; font-weight: 400; }
.intro { margin: .15rem 0; }
.steps li { display: grid; grid-template-columns: 2.6em 1fr 1fr; border-bottom: 1px solid #e4e7ee; cursor: pointer; }
.steps li.head { background: #eef0f4; font-weight: 600; cursor: default; }
.steps.long li.head { position: sticky; top: 0; z-index: 1; }
.steps li > div { padding: .25rem .4rem; min-width: 0; overflow-wrap: anywhere; }
.steps .n { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.steps .lane-k { background: var(--kernel); }
.steps .lane-u { background: var(--user); }
.steps .lane-k:empty, .steps .lane-u:empty { background: transparent; }
.steps li.head .lane-k, .steps li.head .lane-u { text-align: center; }
.steps .both { grid-column: 2 / 4; }
.steps li.current { outline: 2px solid #1f55c0; outline-offset: -2px; }
.steps li.current .n { color: #1f55c0; font-weight: 700; }
.steps li.violating { box-shadow: inset 4px 0 0 var(--fail); }
.actor { display: inline-block; font-weight: 700; padding: 0 .3rem; border-radius: 3px; background: #fff; border: 1px solid var(--line); margin-right: .3rem; }
.cite { font-size: 11.5px; color: var(--muted); margin-top: .15rem; }
.mark { color: var(--fail); font-weight: 700; margin-top: .15rem; }
.state { min-width: 0; }
.now { border: 1px solid var(--line); padding: .3rem .5rem; margin-bottom: .4rem; background: #f7f8fb; }
.now .steptitle { font-weight: 700; }
.violated { border: 2px solid var(--fail); background: #fdecea; padding: .4rem .6rem; margin-bottom: .5rem; }
.violated[hidden] { display: none; }
svg.rings { width: 100%; height: auto; display: block; background: #fff; border: 1px solid var(--line); }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
.fr { stroke: #39424f; stroke-width: 1.5; }
.st-UNUSED { fill: #ffffff; } .st-RESERVED { fill: #ffd9a8; } .st-VALID { fill: #b9e6c1; } .st-COPY { fill: #b6d3f5; } .st-SKIP { fill: #dcc9f2; }
.h-claimed, .h-reserved, .h-copying { stroke: #c0392b; stroke-width: 3; stroke-dasharray: 7 4; }
.h-held { stroke: #6a3fa0; stroke-width: 3; stroke-dasharray: 2 3; }
.chg { fill: none; stroke: var(--changed); stroke-width: 6; }
.chg-mark { fill: #fff3c4; stroke: var(--changed); stroke-width: 2.5; }
.hold-label { fill: #c0392b; font-weight: 700; }
.hold-label.held { fill: #6a3fa0; }
.queued-label { fill: #1f55c0; font-weight: 600; }
.khead { fill: #c0392b; } .cursor { fill: #1f55c0; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: .2rem 1rem; margin-top: .4rem; }
.panels section { min-width: 0; }
.panels ul { list-style: none; margin: 0; padding: 0; }
.panels li { padding: .1rem .3rem; border-left: 3px solid transparent; overflow-wrap: anywhere; }
.panels li.changed, tr.changed td { background: #fff3c4; border-left-color: var(--changed); }
.chip { display: inline-block; border: 1px solid var(--line); border-radius: 3px; padding: 0 .35rem; margin: .1rem .2rem .1rem 0; background: #f7f8fb; }
.panels table { border-collapse: collapse; width: 100%; }
.panels td, .panels th { border-bottom: 1px solid #e4e7ee; padding: .1rem .3rem; text-align: left; vertical-align: top; }
.threads { grid-column: 1 / -1; }
.panels button.toggle { font: inherit; font-size: 12px; margin: .2rem 0 0 .3rem; padding: 0 .5rem; border: 1px solid #8c94a5; border-radius: 3px; background: #f4f5f8; cursor: pointer; }
.none { color: var(--muted); font-style: italic; }
svg.defs { position: absolute; width: 0; height: 0; }
pre.fallback { background: #f7f8fb; border: 1px solid var(--line); padding: .5rem; overflow-x: auto; }
`;

/**
 * The page's behaviour. Every counterexample section carries `data-cx` (its index in
 * the JSON block), `data-violation` (the index of the state that breaks the property)
 * and `data-steps` (the number of steps); the step list items carry `data-step`.
 */
export const HTML_SCRIPT = String.raw`
(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('nlring-data').textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.cx'));
  var pool = data.pool;
  /** A packed view (html.ts, pack) back to the StateView shape. */
  function unpack(p) {
    return {
      rings: p.r.map(function (r) { var ring = Object.assign({}, pool[r[0]]); ring.frames = r[1].map(function (i) { return pool[i]; }); return ring; }),
      socket: pool[p.s],
      threads: p.t.map(function (i) { return pool[i]; }),
      idLock: p.l
    };
  }
  data.counterexamples.forEach(function (cx) { if (cx.packed) cx.views = cx.views.map(unpack); });
  var views = sections.map(function (sec) { return { sec: sec, cx: data.counterexamples[Number(sec.getAttribute('data-cx'))], step: 0, showAll: false }; });
  var active = null;
  var legend = Array.prototype.slice.call(document.querySelectorAll('#legend > div[data-sym]'));

  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function s(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  /** m3#1: as the text timeline spells a message (report/timeline.ts). */
  function msgText(msg, seq) { return 'm' + msg + (seq ? '#' + seq : ''); }
  /** A frame without where the kernel head and the cursors are: what the frame itself holds. */
  function frameBody(f) { var c = Object.assign({}, f); delete c.kernelHead; delete c.cursors; return c; }

  /** What a holder is doing with a frame, in two short lines that fit a frame box. */
  var HOLD = {
    claimed: ['claimed for COPY', 'by '],
    reserved: ['reserved', 'by '],
    copying: ['kernel writing it:', ''],
    held: ['held as SKIP', 'by ']
  };

  /** One ring as a row of frames: status colour, message, nm_len, holder, kernel head above, cursors below. */
  function drawRing(g, ring, before, queue, y0) {
    var W = 160, H = 118, GAP = 14, X0 = 10;
    var title = ring.name + ' ring';
    if (!ring.present) {
      g.appendChild(s('text', { x: X0, y: y0 + 18, 'font-size': 14, 'font-weight': 700 }, title + ': no ring installed'));
      return y0 + 32;
    }
    g.appendChild(s('text', { x: X0, y: y0 + 16, 'font-size': 14, 'font-weight': 700 },
      title + '  (kernel head = frame ' + ring.head + ', pending ring skbs = ' + ring.pending + ', generation ' + ring.generation + ')'));
    var top = y0 + 50;
    ring.frames.forEach(function (f, i) {
      var x = X0 + i * (W + GAP);
      var old = before && before.present && before.generation === ring.generation ? before.frames[i] : null;
      var fg = s('g', { 'class': 'frame', 'data-ring': ring.name, 'data-index': f.index, 'data-status': f.status, 'data-holder': f.holder ? f.holder.how : 'none', 'data-holder-thread': f.holder ? f.holder.thread : '' });
      // The box is outlined only when the frame itself changed; a head or a cursor that moved onto it is outlined on its marker.
      if (before && (!old || !same(frameBody(old), frameBody(f)))) {
        fg.setAttribute('data-changed', 'true');
        fg.appendChild(s('rect', { 'class': 'chg', x: x - 4, y: top - 4, width: W + 8, height: H + 8, rx: 6 }));
      }
      var cls = 'fr st-' + f.status + (f.holder ? ' h-' + f.holder.how : '');
      fg.appendChild(s('rect', { 'class': cls, x: x, y: top, width: W, height: H, rx: 4 }));
      if (f.holder && f.holder.how !== 'held') fg.appendChild(s('rect', { x: x, y: top, width: W, height: H, rx: 4, fill: 'url(#hatch)', stroke: 'none' }));
      fg.appendChild(s('text', { x: x + 8, y: top + 17, 'font-size': 12, fill: '#5b6475' }, 'frame ' + f.index));
      fg.appendChild(s('text', { x: x + 8, y: top + 38, 'font-size': 16, 'font-weight': 700 }, f.status));
      var content = f.msg ? msgText(f.msg, f.seq) + '  nm_len ' + f.len : (f.len ? 'nm_len ' + f.len : 'no message');
      // A free frame still holds what was last written in it: shown, but as left over, not as a message to read.
      var stale = f.status === 'UNUSED' && (f.msg || f.len);
      fg.appendChild(s('text', stale ? { x: x + 8, y: top + 58, 'font-size': 12, fill: '#5b6475', 'font-style': 'italic' } : { x: x + 8, y: top + 58, 'font-size': 13 }, (stale ? 'left over: ' : '') + content));
      if (f.msg && f.offset !== 24 && f.offset !== 0) fg.appendChild(s('text', { x: x + 8, y: top + 74, 'font-size': 11 }, 'message at offset ' + f.offset));
      // The skb queued for this frame (a COPY): shown on the frame, since its status alone may still read UNUSED.
      if (queue) queue.filter(function (q) { return q.frame === f.index; }).slice(0, 1).forEach(function (q) {
        fg.appendChild(s('text', { 'class': 'queued-label', x: x + 8, y: top + 76, 'font-size': 11.5 }, 'queued skb: ' + msgText(q.msg, q.seq)));
      });
      if (f.holder) {
        var how = HOLD[f.holder.how] || [f.holder.how, 'by '];
        var cls2 = 'hold-label' + (f.holder.how === 'held' ? ' held' : '');
        fg.appendChild(s('text', { 'class': cls2, x: x + 8, y: top + 94, 'font-size': 12 }, how[0]));
        fg.appendChild(s('text', { 'class': cls2, x: x + 8, y: top + 110, 'font-size': 12 }, how[1] + f.holder.thread));
      }
      if (f.kernelHead) {
        var cx = x + W / 2;
        if (before && old && !old.kernelHead) {
          fg.setAttribute('data-head-moved', 'true');
          fg.appendChild(s('rect', { 'class': 'chg-mark', x: cx - 13, y: top - 27, width: 118, height: 22, rx: 4 }));
        }
        fg.appendChild(s('path', { 'class': 'khead', d: 'M' + (cx - 8) + ' ' + (top - 22) + ' h16 l-8 12 z' }));
        fg.appendChild(s('text', { x: cx + 12, y: top - 12, 'font-size': 12, 'font-weight': 700, fill: '#c0392b' }, 'K kernel head'));
      }
      f.cursors.forEach(function (c, k) {
        var cy = top + H + 8 + k * 18;
        if (before && old && old.cursors.indexOf(c) < 0) {
          fg.setAttribute('data-cursor-moved', 'true');
          fg.appendChild(s('rect', { 'class': 'chg-mark', x: x + 2, y: cy - 3, width: W - 4, height: 18, rx: 4 }));
        }
        fg.appendChild(s('path', { 'class': 'cursor', d: 'M' + (x + 12) + ' ' + cy + ' l-7 12 h14 z' }));
        fg.appendChild(s('text', { x: x + 24, y: cy + 11, 'font-size': 12, 'font-weight': 700, fill: '#1f55c0' }, 'cursor of ' + c));
      });
      g.appendChild(fg);
    });
    var n = ring.frames.length;
    var right = X0 + n * (W + GAP) - GAP;
    if (n > 0) {
      g.appendChild(s('path', { d: 'M' + (right + 4) + ' ' + (top + H / 2) + ' h22', fill: 'none', stroke: '#8c94a5', 'stroke-width': 1.5, 'marker-end': 'url(#arrow)' }));
      g.appendChild(s('text', { x: right + 4, y: top + H / 2 + 18, 'font-size': 11, fill: '#5b6475' }, 'to frame 0'));
    }
    var most = ring.frames.reduce(function (m, f) { return Math.max(m, f.cursors.length); }, 0);
    return top + H + 14 + most * 18 + 10;
  }

  /** What the drawings of a counterexample show, for the legend (html.ts, howToRead: each entry's data-sym). */
  function symbolsOf(cx) {
    var seen = { always: true };
    cx.views.forEach(function (view) {
      view.rings.forEach(function (ring, r) {
        if (!ring.present) return;
        seen.khead = true;
        ring.frames.forEach(function (f) {
          seen['st-' + f.status] = true;
          if (f.holder) seen[f.holder.how === 'held' ? 'held' : 'kernel-holds'] = true;
          if (f.cursors.length) seen.cursor = true;
          if (f.msg) seen.msg = true;
          if (f.status === 'UNUSED' && (f.msg || f.len)) seen.leftover = true;
        });
        if (r === 0 && view.socket.receiveQueue.some(function (q) { return q.frame >= 0; })) seen.queued = true;
      });
      view.socket.receiveQueue.forEach(function () { seen.msg = true; });
      view.threads.forEach(function (t) { if (t.pollMask) seen.poll = true; if (t.skb && t.skb.msg) seen.msg = true; });
    });
    return seen;
  }
  function dimLegend(v) {
    var seen = v && v.cx.symbols;
    legend.forEach(function (d) {
      var absent = !!seen && !seen[d.getAttribute('data-sym')];
      d.classList.toggle('absent', absent);
      if (absent) d.title = 'not in the chosen counterexample'; else d.removeAttribute('title');
    });
  }
  data.counterexamples.forEach(function (cx) {
    if (!cx.views || !cx.views.length || !cx.views[0].rings) return;
    cx.symbols = symbolsOf(cx);
    cx.pollCol = cx.views.some(function (view) { return view.threads.some(function (t) { return !!t.pollMask; }); });
    var first = sockFields(cx.views[0].socket);
    cx.varying = first.map(function (f, i) { return cx.views.some(function (view) { return sockFields(view.socket)[i][1] !== f[1]; }); });
  });

  /** A long step list scrolls: say how many steps are below its visible part, and where the violation is. */
  function moreHint(v) {
    var ol = v.sec.querySelector('ol.steps.long');
    var hint = v.sec.querySelector('.more');
    if (!ol || !hint) return;
    var bottom = ol.scrollTop + ol.clientHeight;
    var below = 0, violationBelow = false;
    var violation = v.sec.getAttribute('data-violation');
    Array.prototype.forEach.call(ol.querySelectorAll('li[data-step]'), function (li) {
      if (li.offsetTop - ol.offsetTop >= bottom - 4) { below++; if (li.getAttribute('data-step') === violation) violationBelow = true; }
    });
    hint.textContent = below === 0 ? '' : below + ' more step' + (below === 1 ? '' : 's') + ' below \u2193' + (violationBelow ? ' (the violation is step ' + violation + ')' : '');
  }

  function drawRings(svg, view, before) {
    // The hatch pattern and the arrow head are defined once in the page (svg.defs).
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var g = s('g', {});
    svg.appendChild(g);
    var y = 4;
    view.rings.forEach(function (ring, i) { y = drawRing(g, ring, before ? before.rings[i] : null, i === 0 ? view.socket.receiveQueue : null, y) + 6; });
    var frames = Math.max(4, view.rings[0].frames.length, view.rings[1].frames.length);
    svg.setAttribute('viewBox', '0 0 ' + (frames * 174 + 80) + ' ' + y);
  }

  function panel(title, cls) {
    var p = h('section', cls);
    p.appendChild(h('h4', '', title));
    return p;
  }
  function list(p, items) {
    var ul = h('ul');
    if (items.length === 0) ul.appendChild(h('li', 'none', 'none'));
    items.forEach(function (it) { var li = h('li', it.changed ? 'changed' : '', it.text); if (it.data) li.setAttribute('data-item', it.data); ul.appendChild(li); });
    p.appendChild(ul);
    return p;
  }
  function skbText(skb) {
    var what = skb.kind === 'ordinary' ? 'ordinary skb' : (skb.kind === 'ring-rx' ? 'ring skb in rx frame ' : 'ring skb in tx frame ') + (skb.kind === 'ordinary' ? '' : skb.frame);
    return what + (skb.msg ? ', message ' + msgText(skb.msg, skb.seq) : ', no message yet') + ', len ' + skb.len;
  }

  /** The socket's fields as [name, text] pairs, in a fixed order. */
  function sockFields(sock) {
    return [
      ['sk_err', sock.skErr], ['CONGESTED', sock.congested ? 'set' : 'clear'], ['sk_drops', sock.drops], ['mapped (VMAs)', sock.mapped],
      ['file refs', sock.fileRefs], ['rmem (ordinary skbs charged)', sock.rmem], ['dump', sock.dump.running ? 'running, part ' + sock.dump.part : 'not running'],
      ['released', sock.released ? 'yes' : 'no'], ['destructed', sock.destructed ? 'yes' : 'no'],
      ['other socket on this port id', sock.otherSocket.bound ? 'bound, ' + sock.otherSocket.queued + ' queued' : 'none']
    ].map(function (f) { return [f[0], String(f[1])]; });
  }

  function drawPanels(box, view, before, varying, showAll, pollCol) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var sock = view.socket, old = before ? before.socket : null;
    box.appendChild(list(panel('Receive queue, oldest first', 'rq'), sock.receiveQueue.map(function (q, i) {
      return { text: msgText(q.msg, q.seq) + (q.frame >= 0 ? ' \u2192 its COPY frame: rx frame ' + q.frame : ' (no frame: read with recvmsg)'),
        changed: old && !same(old.receiveQueue[i], q), data: 'm' + q.msg };
    })));
    box.appendChild(list(panel('skbs in flight (held by threads)', 'skbs'), view.threads.filter(function (t) { return t.skb; }).map(function (t) {
      var was = before ? before.threads.filter(function (o) { return o.name === t.name; })[0] : null;
      return { text: t.name + ': ' + skbText(t.skb), changed: before && !(was && same(was.skb, t.skb)) };
    })));
    // Under --memory tso / weak: stores still in a thread's store buffer (not yet visible to other threads) and loads it satisfied early.
    if (view.threads.some(function (t) { return t.memory; })) {
      box.appendChild(list(panel('Store buffers and early loads (tso / weak memory)', 'memory'), view.threads.filter(function (t) { return t.memory && (t.memory.buffered.length || t.memory.early.length); }).map(function (t) {
        var was = before ? before.threads.filter(function (o) { return o.name === t.name; })[0] : null;
        var text = t.name + ': ' + (t.memory.buffered.length ? 'buffered (oldest first, | after a write barrier): ' + t.memory.buffered.join('; ') : 'nothing buffered') + (t.memory.early.length ? '; loaded early: ' + t.memory.early.join('; ') : '');
        return { text: text, changed: before && !(was && same(was.memory, t.memory)) };
      })));
    }
    var locks = Object.keys(sock.locks).sort().map(function (k) {
      return { text: k + ' held by ' + sock.locks[k], changed: old && old.locks[k] !== sock.locks[k] };
    });
    if (view.idLock) locks.push({ text: 'subsystem id lock held by ' + view.idLock, changed: before && before.idLock !== view.idLock });
    var lp = list(panel('Locks', 'locks'), locks);
    if (locks.length === 0) lp.querySelector('li').textContent = 'all locks free';
    box.appendChild(lp);
    var fields = sockFields(sock);
    var oldFields = old ? sockFields(old) : null;
    // Fields that never change in this counterexample are hidden unless the reader asks for all of them.
    var shown = fields.filter(function (f, i) { return showAll || !varying || varying[i]; });
    var hidden = fields.length - shown.length;
    var sp = list(panel('Socket', 'sock'), shown.map(function (f) {
      var i = fields.indexOf(f);
      return { text: f[0] + ': ' + f[1], changed: oldFields && oldFields[i][1] !== f[1], data: f[0] };
    }));
    if (shown.length === 0) sp.querySelector('li').textContent = 'no socket field changes in this counterexample';
    if (hidden > 0 || showAll) {
      var tg = h('button', 'toggle', showAll ? 'only the fields that change' : 'show all ' + fields.length + ' fields');
      tg.type = 'button';
      tg.setAttribute('data-act', 'sockfields');
      sp.appendChild(tg);
    }
    box.appendChild(sp);
    var tp = panel('Threads: program counter (step label), return labels, frames held' + (pollCol ? ', what poll returned' : ''), 'threads');
    var table = h('table');
    var head = h('tr');
    ['thread', 'program', 'at', 'returns to', 'holds (SKIP)'].concat(pollCol ? ['poll returned (this step)'] : []).forEach(function (c) { head.appendChild(h('th', '', c)); });
    table.appendChild(head);
    view.threads.forEach(function (t) {
      var was = before ? before.threads.filter(function (o) { return o.name === t.name; })[0] : null;
      var tr = h('tr', before && !same(was, t) ? 'changed' : '');
      tr.setAttribute('data-thread', t.name);
      [t.name, t.program, t.pc, t.stack.length ? t.stack.slice().reverse().join(' \u2190 ') : '', t.held.length ? 'rx frames ' + t.held.join(', ') : '']
        .concat(pollCol ? [t.pollMask || ''] : [])
        .forEach(function (c, i) { tr.appendChild(h('td', i === 2 || i === 3 || i === 5 ? 'mono' : '', c)); });
      if (t.pollMask) tr.setAttribute('data-poll', t.pollMask);
      table.appendChild(tr);
    });
    tp.appendChild(table);
    box.appendChild(tp);
  }

  function render(v) {
    var sec = v.sec, cx = v.cx, n = v.step, last = cx.steps;
    var violation = Number(sec.getAttribute('data-violation'));
    sec.setAttribute('data-step', String(n));
    sec.querySelector('.pos').textContent = n === 0 ? 'initial state (of ' + last + ' steps)' : 'step ' + n + ' of ' + last;
    sec.querySelector('[data-act=prev]').disabled = n === 0;
    sec.querySelector('[data-act=first]').disabled = n === 0;
    sec.querySelector('[data-act=next]').disabled = n === last;
    sec.querySelector('[data-act=last]').disabled = n === last;
    var items = sec.querySelectorAll('.steps li[data-step]');
    var current = null;
    Array.prototype.forEach.call(items, function (li) {
      var on = Number(li.getAttribute('data-step')) === n;
      li.classList.toggle('current', on);
      if (on) { li.setAttribute('aria-current', 'step'); current = li; } else li.removeAttribute('aria-current');
    });
    if (current) {
      var ol = current.parentNode;
      var top = current.offsetTop - ol.offsetTop, bottom = top + current.offsetHeight;
      if (top < ol.scrollTop + 30 || bottom > ol.scrollTop + ol.clientHeight) ol.scrollTop = Math.max(0, top - ol.clientHeight / 3);
      var now = sec.querySelector('.now');
      while (now.firstChild) now.removeChild(now.firstChild);
      now.appendChild(h('div', 'steptitle', n === 0 ? 'The initial state' : 'The state after step ' + n + ':'));
      Array.prototype.forEach.call(current.querySelectorAll('.lane-k, .lane-u, .both'), function (lane) {
        if (lane.childNodes.length === 0) return;
        var copy = lane.cloneNode(true);
        copy.className = (lane.className.indexOf('lane-k') >= 0 ? 'lane-k' : lane.className.indexOf('lane-u') >= 0 ? 'lane-u' : '') + ' nowlane';
        var who = lane.className.indexOf('lane-k') >= 0 ? 'kernel code: ' : lane.className.indexOf('lane-u') >= 0 ? 'userspace code: ' : '';
        if (who) copy.insertBefore(h('span', 'small', who), copy.firstChild);
        now.appendChild(copy);
      });
    }
    sec.querySelector('.violated').hidden = n !== violation;
    var view = cx.views ? cx.views[n] : null;
    var svg = sec.querySelector('svg.rings');
    var box = sec.querySelector('.panels');
    var pre = sec.querySelector('pre.fallback');
    if (view) {
      var before = n > 0 ? cx.views[n - 1] : null;
      drawRings(svg, view, before);
      drawPanels(box, view, before, cx.varying, v.showAll, cx.pollCol);
    } else if (cx.texts) {
      pre.textContent = cx.texts[n];
    }
    moreHint(v);
  }

  function go(v, n) {
    v.step = Math.max(0, Math.min(v.cx.steps, n));
    render(v);
  }
  function activate(v, scroll) {
    if (active === v) return;
    if (active) active.sec.classList.remove('active');
    active = v;
    dimLegend(v);
    if (v) {
      v.sec.classList.add('active');
      if (scroll) v.sec.scrollIntoView({ block: 'start' });
    }
  }
  function act(v, what) {
    var violation = Number(v.sec.getAttribute('data-violation'));
    if (what === 'next') go(v, v.step + 1);
    else if (what === 'prev') go(v, v.step - 1);
    else if (what === 'first') go(v, 0);
    else if (what === 'last') go(v, v.cx.steps);
    else if (what === 'violation') go(v, violation);
    else if (what === 'sockfields') { v.showAll = !v.showAll; render(v); }
  }

  views.forEach(function (v) {
    v.sec.addEventListener('click', function (e) {
      activate(v, false);
      var b = e.target.closest('button[data-act]');
      if (b) { act(v, b.getAttribute('data-act')); return; }
      var li = e.target.closest('li[data-step]');
      if (li) go(v, Number(li.getAttribute('data-step')));
    });
    v.sec.addEventListener('focusin', function () { activate(v, false); });
    var ol = v.sec.querySelector('ol.steps.long');
    if (ol) ol.addEventListener('scroll', function () { moreHint(v); });
    render(v);
  });

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var v = views.filter(function (x) { return x.sec.id === id; })[0];
    if (v) activate(v, false);
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
  if (!active && views.length) activate(views[0], false);

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || !active) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
    var map = { ArrowRight: 'next', j: 'next', ArrowLeft: 'prev', k: 'prev', Home: 'first', End: 'last', v: 'violation' };
    if (map[e.key]) { act(active, map[e.key]); e.preventDefault(); return; }
    if (e.key === ']' || e.key === '[') {
      var i = views.indexOf(active) + (e.key === ']' ? 1 : -1);
      if (i >= 0 && i < views.length) { activate(views[i], true); history.replaceState(null, '', '#' + views[i].sec.id); }
      e.preventDefault();
    }
  });
})();
`;

/**
 * Drawing the state for counterexamples: each ring as one row of frames with
 * the kernel head (K) and user cursors (u), then sockets counters, queues and
 * threads. Pure: returns strings.
 */
import { ERRNO_NAMES, HDRLEN, STATUS_LETTER, STATUS_NAMES, errnoName } from './constants.js';
import type { Ring, State } from './state.js';
import { bufferedLine, earlyLoads, entryLine, storeBuffer } from './mem.js';
import type { Ctx } from './step.js';

function ringRow(name: string, r: Ring, cursors: Map<number, string[]>): string {
  if (r.gen === 0) return `${name}: (no ring)`;
  const cells: string[] = [];
  for (let i = 0; i < r.frameNr; i++) {
    const f = r.frames[i];
    const marks = [i === r.head ? 'K' : '', ...(cursors.get(i) ?? [])].filter(Boolean).join('');
    // `@+N`: an RX message the kernel put somewhere other than frame + NL_MMAP_HDRLEN (B12).
    const moved = name === 'rx' && f.msg && f.off !== HDRLEN ? ` @+${f.off}` : '';
    const body = f.status === 0 ? STATUS_NAMES[0] : `${STATUS_NAMES[f.status]}${f.msg ? ` m${f.msg}` : ''}${f.seq ? `#${f.seq}` : ''}${f.len ? ` len${f.len}` : ''}${moved}`;
    cells.push(`${i}:${body}${marks ? `<${marks}>` : ''}`);
  }
  return `${name}: [ ${cells.join(' | ')} ]  pending=${r.pending}`;
}

function cursorMap(c: Ctx, s: State, which: 'cursor' | 'txCursor'): Map<number, string[]> {
  const m = new Map<number, string[]>();
  s.threads.forEach((t, ti) => {
    const prog = c.threads[ti].program;
    const uses = which === 'cursor' ? prog === 'consumer' : prog === 'txuser' || (prog === 'consumer' && (c.threads[ti] as { params: { verdicts?: number } }).params.verdicts);
    if (!uses) return;
    const at = t.l[which];
    m.set(at, [...(m.get(at) ?? []), 'u']);
  });
  return m;
}

/** ` buffered[...] early[...]`: a thread's store buffer and early loads under tso and weak ('' when empty). */
function memoryText(s: State, ti: number): string {
  const sb = storeBuffer(s, ti);
  const early = earlyLoads(s, ti);
  return `${sb.length ? ` buffered[${sb.map(bufferedLine).join('; ')}]` : ''}${early.length ? ` early[${early.map(entryLine).join('; ')}]` : ''}`;
}

export function render(c: Ctx, s: State): string {
  const k = s.sock;
  const lines = [ringRow('rx', k.rx, cursorMap(c, s, 'cursor')), ringRow('tx', k.tx, cursorMap(c, s, 'txCursor'))];
  const locks = [
    k.pgVecLock >= 0 ? `pg_vec_lock:${c.threads[k.pgVecLock].name}` : '',
    k.rxqLock >= 0 ? `rxq_lock:${c.threads[k.rxqLock].name}` : '',
    k.cbMutex >= 0 ? `cb_mutex:${c.threads[k.cbMutex].name}` : '',
    s.idLock >= 0 ? `id_lock:${c.threads[s.idLock].name}` : '',
  ].filter(Boolean);
  lines.push(
    `sock: mapped=${k.mapped} f_count=${k.fileRefs} sk_err=${errnoName(k.skErr)}${k.congested ? ' CONGESTED' : ''} drops=${k.drops}` +
      ` rcvq=[${k.rcvq.toArray().map((q) => `m${q.msg}${q.seq ? `#${q.seq}` : ''}`).join(',')}]` +
      `${k.dumpRunning ? ` dump@${k.dumpPart}` : ''}${k.released ? ' released' : ''}${k.destructed ? ' destructed' : ''}` +
      `${locks.length ? ` locks{${locks.join(' ')}}` : ''}`,
  );
  const threads = s.threads
    .map((t, ti) => `${c.threads[ti].name}@${t.pc}${t.stack.length ? `(<-${t.stack.toArray().join('<-')})` : ''}${t.l.held.length ? ` held[${t.l.held.toArray().join(',')}]` : ''}${memoryText(s, ti)}`)
    .join('  ');
  lines.push(`threads: ${threads}`);
  return lines.join('\n');
}

/** One line: both rings as status letters plus the kernel heads. */
export function summary(_c: Ctx, s: State): string {
  const row = (r: Ring) => (r.gen === 0 ? '-' : r.frames.slice(0, r.frameNr).map((f) => STATUS_LETTER[f.status]).join('') + `@${r.head}`);
  return `rx ${row(s.sock.rx)} tx ${row(s.sock.tx)}${s.sock.skErr ? ` err=${ERRNO_NAMES[Math.abs(s.sock.skErr)] ?? s.sock.skErr}` : ''}`;
}

/**
 * A scenario under another memory model: `rx-basic+weak` is rx-basic on weakly
 * ordered CPUs, `rx-basic+tso` on x86, and `rx-basic+weak-plain` the same with
 * userspace written as the sample code was (plain loads and stores; config.ts
 * UserOrder). The suffix is part of the scenario's name, so reports, reproduce
 * lines, baselines and matrix columns carry it; `--memory` and `--user-order`
 * on the command line add it.
 */
import { USER_ORDERS, type ScenarioConfig, type UserOrder } from '../model/config.js';
import { MEMORY_MODELS, type MemoryModel } from '../model/state.js';
import { UsageError } from '../errors.js';

export const MEMORY_SEPARATOR = '+';
const PLAIN_SUFFIX = '-plain';

export interface MemorySuffix {
  readonly memory: MemoryModel;
  readonly userOrder: UserOrder;
}

/** `+weak`, `+tso-plain`, ...: the suffix naming a memory model and userspace form ('' for sc with ordered userspace, the default). */
export function memorySuffix(m: MemorySuffix): string {
  if (m.memory === 'sc' && m.userOrder === 'ordered') return '';
  return `${MEMORY_SEPARATOR}${m.memory}${m.userOrder === 'plain' ? PLAIN_SUFFIX : ''}`;
}

/** Splits `<id>+<model>[-plain]` (checked); an id without the suffix has sc and ordered userspace. */
export function splitMemory(id: string): { readonly base: string } & MemorySuffix {
  const at = id.lastIndexOf(MEMORY_SEPARATOR);
  if (at < 0) return { base: id, memory: 'sc', userOrder: 'ordered' };
  const tail = id.slice(at + 1);
  // A '+' inside a file's name is not a suffix.
  if (/[./\\]/.test(tail)) return { base: id, memory: 'sc', userOrder: 'ordered' };
  const plain = tail.endsWith(PLAIN_SUFFIX);
  const model = plain ? tail.slice(0, -PLAIN_SUFFIX.length) : tail;
  if (!(MEMORY_MODELS as readonly string[]).includes(model)) {
    throw new UsageError(`unknown memory model '${model}' in scenario '${id}' (known: ${MEMORY_MODELS.join(', ')}, each optionally followed by ${PLAIN_SUFFIX})`);
  }
  if (plain && model === 'sc') throw new UsageError(`scenario '${id}': ${PLAIN_SUFFIX} only means something under tso or weak (under sc every access is ordered)`);
  return { base: id.slice(0, at), memory: model as MemoryModel, userOrder: plain ? 'plain' : 'ordered' };
}

/** The scenario under memory model `m`, named with its suffix (unchanged for sc with ordered userspace). */
export function withMemory(sc: ScenarioConfig, m: MemorySuffix): ScenarioConfig {
  const suffix = memorySuffix(m);
  if (suffix === '') return sc;
  if (sc.memory !== undefined && sc.memory !== 'sc') throw new UsageError(`scenario '${sc.id}' already names memory model ${sc.memory}; give the model once`);
  const users = m.userOrder === 'plain' ? ', userspace with plain loads and stores' : '';
  return { ...sc, id: `${sc.id}${suffix}`, description: `${sc.description} [memory: ${m.memory}${users}]`, memory: m.memory, userOrder: m.userOrder };
}

/** The command line's --memory and --user-order applied to a scenario name (a name that already has a suffix may not get another). */
export function scenarioUnder(name: string, memory: string | undefined, userOrder: string | undefined): string {
  if (memory === undefined && userOrder === undefined) return name;
  if (memory !== undefined && !(MEMORY_MODELS as readonly string[]).includes(memory)) throw new UsageError(`--memory must be one of ${MEMORY_MODELS.join(', ')}, got '${memory}'`);
  if (userOrder !== undefined && !(USER_ORDERS as readonly string[]).includes(userOrder)) throw new UsageError(`--user-order must be one of ${USER_ORDERS.join(', ')}, got '${userOrder}'`);
  if (userOrder !== undefined && (memory ?? 'sc') === 'sc') throw new UsageError('--user-order needs --memory tso or weak (under sc every access is ordered)');
  if (splitMemory(name).base !== name) throw new UsageError(`scenario '${name}' already names a memory model; drop --memory / --user-order or the suffix`);
  return `${name}${memorySuffix({ memory: (memory ?? 'sc') as MemoryModel, userOrder: (userOrder ?? 'ordered') as UserOrder })}`;
}

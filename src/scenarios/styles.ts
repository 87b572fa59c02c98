/**
 * A catalogue scenario run with another consumer's loop: `rx-order@nurs` is rx-order
 * with every consumer thread running nurs's loop (config.ts ConsumerStyle). The
 * workload is otherwise the same, so a property that fails with one consumer and not
 * with another is the consumer's doing, not the workload's.
 */
import { CONSUMER_STYLES, type ConsumerStyle, type ScenarioConfig } from '../model/config.js';
import { UsageError } from '../errors.js';

export const STYLE_SEPARATOR = '@';

/** Whether the scenario has a consumer whose loop a style can replace. */
export function hasConsumer(sc: ScenarioConfig): boolean {
  return sc.threads.some((t) => t.program === 'consumer');
}

/** The scenario with every consumer running `style`'s loop, named `<id>@<style>`. */
export function withConsumerStyle(sc: ScenarioConfig, style: ConsumerStyle): ScenarioConfig {
  if (!hasConsumer(sc)) throw new UsageError(`scenario '${sc.id}' has no consumer, so '${sc.id}${STYLE_SEPARATOR}${style}' names nothing`);
  return {
    ...sc,
    id: `${sc.id}${STYLE_SEPARATOR}${style}`,
    description: `${sc.description} [consumer: ${style}]`,
    threads: sc.threads.map((t) => (t.program === 'consumer' ? { ...t, params: { ...t.params, style } } : t)),
  };
}

/** Splits `<id>@<style>` (style checked); a plain id has style undefined. */
export function splitStyled(id: string): { readonly base: string; readonly style?: ConsumerStyle } {
  const at = id.lastIndexOf(STYLE_SEPARATOR);
  if (at < 0) return { base: id };
  const style = id.slice(at + 1);
  if (!(CONSUMER_STYLES as readonly string[]).includes(style)) {
    throw new UsageError(`unknown consumer style '${style}' in scenario '${id}' (known: ${CONSUMER_STYLES.join(', ')})`);
  }
  return { base: id.slice(0, at), style: style as ConsumerStyle };
}

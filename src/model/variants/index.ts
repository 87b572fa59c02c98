import type { Variant } from '../variant.js';
import { deriveVariant } from '../variant.js';
import { linux310 } from './linux-3.10.js';
import { linux3184 } from './linux-3.18.4.js';
import { linux41 } from './linux-4.1.js';
import { linux42 } from './linux-4.2.js';
import { linux45 } from './linux-4.5.js';
import { reference } from './reference.js';

/** D1's remedy from the workshop summary: allocation and id assignment in one atomic step. */
const linux45Ordered = deriveVariant(
  linux45,
  'linux-4.5-ordered',
  'Linux 4.5 with the "ordered" mode of the design (D1): a producer holds the id lock from allocation to delivery',
  'Netfilter workshop summary of the design talk, home.regit.org ("userspace can specify it cares about ordering"); RFC cover letter',
  { orderedIds: true },
);

export const VARIANTS: readonly Variant[] = [linux310, linux3184, linux41, linux42, linux45, linux45Ordered, reference];

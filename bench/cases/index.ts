// Every benchmark case, in the order `npm run bench` runs them.
import type { BenchCase } from '../report';
import { ackCase } from './ack';
import { connectedCase } from './connected';
import { coreCase } from './core';
import { embeddedCase } from './embedded';
import { engineCase } from './engine';
import { memoryCase } from './memory';
import { queriesCase } from './queries';
import { renderCase } from './render';
import { startupCase } from './startup';

export const CASES: readonly BenchCase[] = [
  engineCase,
  embeddedCase,
  coreCase,
  memoryCase,
  ackCase,
  queriesCase,
  connectedCase,
  startupCase,
  renderCase,
];

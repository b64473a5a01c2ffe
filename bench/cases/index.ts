// Every benchmark case, in the order `npm run bench` runs them.
import type { BenchCase } from '../report';
import { ackCase } from './ack';
import { ackClickCase } from './ack-click';
import { connectedCase } from './connected';
import { coreCase } from './core';
import { embeddedCase } from './embedded';
import { engineCase } from './engine';
import { memoryCase } from './memory';
import { queriesCase } from './queries';
import { renderCase } from './render';
import { resumeCase } from './resume';
import { startupCase } from './startup';
import { wardsCase } from './wards';

export const CASES: readonly BenchCase[] = [
  engineCase,
  embeddedCase,
  coreCase,
  memoryCase,
  resumeCase,
  ackCase,
  ackClickCase,
  queriesCase,
  connectedCase,
  wardsCase,
  startupCase,
  renderCase,
];

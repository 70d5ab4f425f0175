#!/usr/bin/env node
// Runs the TypeScript sources directly: Seatledger has no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');

#!/usr/bin/env node
// The `privgate` command. PrivGate runs from its TypeScript sources: register tsx, then hand over.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

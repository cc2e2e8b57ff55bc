/**
 * `gateway/src/datasets/index.ts` in the browser: what queries need of the dataset module (canonical
 * JSON, dataset names, USCC check), without CSV/JSONL import (`node:stream`, the store).
 */
export { canonicalJson } from '../../../src/datasets/canonical-json.ts';
export { DatasetNameSchema } from '../../../src/datasets/declaration.ts';
export { usccProblem } from '../../../src/datasets/uscc.ts';

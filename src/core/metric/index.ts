export { score, exactMatch, editSimilarity, normalize, trimPrediction, comparablePair } from './metric.ts';
export type { Score } from './metric.ts';
export { sequenceRatio } from './sequence-matcher.ts';

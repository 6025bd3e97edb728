// The watermark and missing-from-feed rules live in the domain (src/domain/feedRuns.ts); this module only
// re-exports them for the paths docs/architecture.md names (remove it once that document points there).
export { missingFromFeedCutoff, nextWatermark } from '../domain/feedRuns';

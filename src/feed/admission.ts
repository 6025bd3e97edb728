// The admission rules live in the domain (src/domain/feedRuns.ts); this module only re-exports them for
// the path docs/architecture.md names (remove it once that document points there).
export { admit, isOvertaken, type Admission } from '../domain/feedRuns';

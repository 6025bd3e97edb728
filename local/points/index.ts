export { startPointsStandIn, type PointsStandIn, type PointsStandInOptions } from './server';
export {
  faultsPatchSchema,
  faultsSchema,
  seededRandom,
  type Faults,
  type FaultsInput,
  type FaultsPatch,
} from './faults';
export type { CreditStats } from './creditsRoute';

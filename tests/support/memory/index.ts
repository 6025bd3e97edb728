import type { Repositories } from '../../../src/adapters/ports';
import { memoryIgnoredMessageCounter } from './ignoredMessageCounter';
import { memoryLedgerRepository } from './ledgerRepository';
import { memoryMemberRepository } from './memberRepository';
import { memoryMemberStateRepository } from './memberStateRepository';
import { memoryQuarantineRepository } from './quarantineRepository';
import { memoryRewardRepository } from './rewardRepository';

export {
  memoryIgnoredMessageCounter,
  memoryLedgerRepository,
  memoryMemberRepository,
  memoryMemberStateRepository,
  memoryQuarantineRepository,
  memoryRewardRepository,
};
export { faulty, type Faulty } from './faulty';

/** Fresh in-memory repositories for one unit test. */
export function memoryRepositories(): Repositories {
  const members = memoryMemberRepository();
  return {
    members,
    cohort: { listIdsByCampaign: (campaignId) => members.listIdsByCampaign(campaignId) },
    ledger: memoryLedgerRepository(),
    rewards: memoryRewardRepository(),
    quarantine: memoryQuarantineRepository(),
    ignored: memoryIgnoredMessageCounter(),
    memberStates: memoryMemberStateRepository(),
  };
}

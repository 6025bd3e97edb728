import fs from 'node:fs';
import path from 'node:path';
import { MEMBER_ENTITY, memberCampaignInstanceId } from '../../src/durableNames';

// docs/operations.md tells ops how to find a member in the Durable Functions Monitor and what the
// orchestration's custom status means; these checks keep it to the names and phases the code uses.

const root = path.resolve(__dirname, '../..');
const runbook = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');

/** The members of the CampaignPhase union in the orchestrator's types. */
function campaignPhases(): string[] {
  const source = fs.readFileSync(path.join(root, 'src/orchestrators/memberCampaignInput.ts'), 'utf8');
  const union = /export type CampaignPhase =([^;]+);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1] ?? '');
}

/** The first-column values of the runbook's table whose header is `phase`. */
function documentedPhases(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^\|\s*`phase`\s*\|/.test(line));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
  return lines
    .slice(start + 2, end)
    .map((line) => /^\|\s*`([A-Z_]+)`/.exec(line)?.[1] ?? '')
    .filter(Boolean);
}

describe('docs/operations.md against the code', () => {
  it('explains every custom status phase of memberCampaign, and no other', () => {
    expect(campaignPhases().length).toBeGreaterThanOrEqual(5);
    expect(documentedPhases(runbook).sort()).toEqual(campaignPhases().sort());
  });

  it('reports a phase the runbook does not explain', () => {
    const without = runbook.replace(/^\| `NEEDS_REVIEW` .*\n/m, '');
    expect(campaignPhases().filter((p) => !documentedPhases(without).includes(p))).toEqual(['NEEDS_REVIEW']);
  });

  it('names the member orchestration and entity as the code builds them', () => {
    expect(runbook).toContain(`\`${memberCampaignInstanceId('{campaignId}', '{memberId}')}\``);
    expect(runbook).toContain(`\`${memberCampaignInstanceId('cold-member-activation', 'M-42')}\``);
    expect(runbook).toContain(`\`@${MEMBER_ENTITY}@{memberId}\``);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import '../../src/orchestrators/memberCampaign';
import { CONTAINERS } from '../../src/adapters/cosmos/containers';
import { campaignInputFor } from '../../src/app/enrolments';
import { createEnrolment } from '../../src/domain';
import { ACTIVITIES, MEMBER_CAMPAIGN_ORCHESTRATOR } from '../../src/durableNames';
import {
  EMPTY_STATE,
  handleMemberOperation,
  type MemberEntityState,
} from '../../src/entities/memberOperations';
import { config, fed, obs } from '../support/domainBuilders';
import { OrchestrationHarness } from '../support/orchestrationHarness';

// docs/architecture.md makes claims about the code: file paths, function names, container names and the
// durable cost of one member. These checks fail when the code moves on and the document does not, so
// the document cannot silently drift from what it describes.

const root = path.resolve(__dirname, '../..');
const docPath = path.join(root, 'docs/architecture.md');
const doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';

const FENCE = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

/** Fenced blocks with their info string ("mermaid", "ts", ...). */
function fencedBlocks(markdown: string): { lang: string; body: string }[] {
  return [...markdown.matchAll(FENCE)].map((m) => ({ lang: (m[1] ?? '').trim(), body: m[2] ?? '' }));
}

/** The prose: everything outside fenced blocks, where inline code spans name files and functions. */
const prose = doc.replace(FENCE, '');

function inlineCode(markdown: string): string[] {
  return [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
}

/** The text of the `## {n}. ` section up to the next level-2 heading. */
function section(n: number): string {
  const start = prose.search(new RegExp(`^## ${n}\\. `, 'm'));
  if (start < 0) return '';
  const rest = prose.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Mermaid diagram types GitHub renders (mermaid 10/11). */
const MERMAID_TYPES = new Set([
  'flowchart',
  'graph',
  'sequenceDiagram',
  'stateDiagram',
  'stateDiagram-v2',
  'classDiagram',
  'erDiagram',
  'gantt',
  'journey',
  'pie',
  'gitGraph',
  'mindmap',
  'timeline',
  'quadrantChart',
  'requirementDiagram',
  'C4Context',
]);

/** Whether a repo path exists; `*` in the last segment matches any characters. */
function pathExists(relative: string): boolean {
  const clean = relative.replace(/\/+$/, '');
  if (!clean.includes('*')) return fs.existsSync(path.join(root, clean));
  const dir = path.join(root, path.dirname(clean));
  const pattern = new RegExp(
    `^${path
      .basename(clean)
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return fs.existsSync(dir) && fs.readdirSync(dir).some((name) => pattern.test(name));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('docs/architecture.md', () => {
  it('exists and is a substantial document', () => {
    expect(fs.existsSync(docPath)).toBe(true);
    expect(prose.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length).toBeGreaterThan(2500);
  });

  it('has the ten numbered sections in order, then known limits', () => {
    const numbers = [...prose.matchAll(/^## (\d+)\. \S/gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(prose).toMatch(/^## Known limits and next steps$/m);
    for (let n = 1; n <= 10; n++) expect(section(n).split(/\s+/).length).toBeGreaterThan(100);
  });

  const mermaid = fencedBlocks(doc).filter((b) => b.lang === 'mermaid');

  it('has Mermaid diagrams, each non-empty and of a type GitHub renders', () => {
    expect(mermaid.length).toBeGreaterThanOrEqual(3);
    for (const block of mermaid) {
      const lines = block.body.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('%%'));
      expect(lines.length).toBeGreaterThan(1);
      const type = (lines[0] ?? '').trim().split(/\s+/)[0] ?? '';
      expect({ type, known: MERMAID_TYPES.has(type) }).toEqual({ type, known: true });
    }
    const types = mermaid.map((b) => b.body.trim().split(/\s+/)[0]);
    expect(types).toEqual(expect.arrayContaining(['flowchart', 'sequenceDiagram', 'stateDiagram-v2']));
  });

  it('quotes every flowchart label, so parentheses, braces and colons cannot break the diagram', () => {
    const unquoted: string[] = [];
    for (const block of mermaid.filter((b) => /^\s*(flowchart|graph)\b/.test(b.body))) {
      for (const line of block.body.split('\n').slice(1)) {
        const bare = line.replace(/"[^"]*"/g, '""');
        const inShape = /[[({][^[\](){}"]*[A-Za-z0-9][^[\](){}"]*[\])}]/.test(bare);
        const inEdge = /\|[^|"]*[A-Za-z0-9][^|"]*\|/.test(bare);
        if (inShape || inEdge) unquoted.push(line.trim());
      }
    }
    expect(unquoted).toEqual([]);
  });

  it('names only files and folders that exist under src/, local/, infra/ and docs/', () => {
    const mentioned = [
      ...new Set(inlineCode(prose).filter((code) => /^(src|local|infra|docs)\/[^\s]*$/.test(code))),
    ];
    expect(mentioned.length).toBeGreaterThan(20);
    expect(mentioned.filter((p) => !pathExists(p))).toEqual([]);
  });

  it('names only durable functions, triggers and routes that the code registers', () => {
    const source = sourceFiles(path.join(root, 'src'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const table = section(2)
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    const names = [
      ...new Set(table.flatMap((row) => inlineCode(row.split('|')[1] ?? '').filter((n) => /^\w+$/.test(n)))),
    ];
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !source.includes(`'${name}'`))).toEqual([]);
  });

  it('covers every Cosmos container the adapters use', () => {
    for (const name of Object.values(CONTAINERS)) expect(prose).toContain(`\`${name}\``);
  });

  describe('the orchestrator episode counts in section 5 match a replay of memberCampaign', () => {
    interface Replay {
      episodes: number;
      timers: number;
    }

    /** Replays one member's campaign through the real SDK; the watermark is behind for `behind` checks. */
    async function replay(
      enrolledAt: string,
      options: { qualify: boolean; behind: number },
    ): Promise<Replay> {
      const enrolment = createEnrolment({ memberId: 'M-1', enrolledAt }, enrolledAt, config());
      if (!enrolment.ok) throw new Error(enrolment.detail);
      const { window } = enrolment.value;
      const harness = new OrchestrationHarness(
        MEMBER_CAMPAIGN_ORCHESTRATOR,
        'memberCampaign:cold-member-activation:M-1',
        campaignInputFor(enrolment.value),
        new Date(enrolledAt),
      );
      let entity: MemberEntityState = handleMemberOperation(EMPTY_STATE, 'enrol', {
        enrolment: enrolment.value,
        at: enrolledAt,
      }).state;
      if (options.qualify) {
        const load = obs({
          id: 'T-1',
          cents: 100_000,
          initiatedAt: new Date(Date.parse(window.enrolledAt) + 86_400_000).toISOString(),
        });
        const observations = [load, fed(load, window.day0)];
        entity = handleMemberOperation(entity, 'applyRealtime', { observations, at: enrolledAt }).state;
      }
      let reads = 0;
      await harness.run(
        {
          entity: (operation, input) => {
            const next = handleMemberOperation(entity, operation as never, input);
            entity = next.state;
            return next.result;
          },
          activity: (name) => {
            if (name === ACTIVITIES.readWatermark) {
              reads += 1;
              return { watermark: reads > options.behind ? window.lastGraceDate : window.day0 };
            }
            if (name === ACTIVITIES.issuePoints) return { kind: 'ISSUED', creditId: 'C-1' };
            return name === ACTIVITIES.recordDecision ? 'RECORDED' : 'UPDATED';
          },
        },
        200,
      );
      return { episodes: harness.trace.episodes, timers: harness.trace.timersFired.length };
    }

    const text = () => section(5);

    it('a qualified member on the first check, and the timer firings of a 36-day wait', async () => {
      const qualified = await replay('2026-11-25T00:00:00+11:00', { qualify: true, behind: 0 });
      expect(text()).toContain(`**${qualified.episodes}**`);
      expect(text()).toContain(`**${qualified.timers} timer firings**`);
    });

    it('a member who did not qualify', async () => {
      const notReached = await replay('2026-11-25T09:00:00+11:00', { qualify: false, behind: 0 });
      expect(text()).toContain(`**${notReached.episodes}**`);
    });

    it('each extra hourly watermark check, and the typical five-check night', async () => {
      const first = await replay('2026-11-25T09:00:00+11:00', { qualify: true, behind: 0 });
      const typical = await replay('2026-11-25T09:00:00+11:00', { qualify: true, behind: 4 });
      const typicalNot = await replay('2026-11-25T09:00:00+11:00', { qualify: false, behind: 4 });
      expect((typical.episodes - first.episodes) % 4).toBe(0);
      expect(text()).toContain(`**+${(typical.episodes - first.episodes) / 4}**`);
      expect(text()).toContain(`**${typical.episodes}** / **${typicalNot.episodes}**`);
    });

    it('one more timer firing when the wait spans the April end of daylight saving', async () => {
      const autumn = await replay('2027-03-06T00:00:00+11:00', { qualify: true, behind: 0 });
      expect(text()).toContain(`${autumn.timers} when it spans the April change back from DST`);
    });
  });
});

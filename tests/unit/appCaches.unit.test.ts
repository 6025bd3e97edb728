import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { memoryMemberRepository } from '../support/memory';
import type { MemberRepository } from '../../src/adapters/ports';
import { campaignClientOf, durableClientOf } from '../../src/app/durableClient';
import { isEnrolled } from '../../src/app/enrolledMembers';
import { createEnrolment } from '../../src/domain';
import { config } from '../support/domainBuilders';

const clientData = (port: number) => ({
  taskHubName: 'hub',
  creationUrls: {},
  managementUrls: {
    id: 'INSTANCEID',
    statusQueryGetUri: `http://127.0.0.1:${port}/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=hub`,
  },
  baseUrl: `http://127.0.0.1:${port}/runtime/webhooks/durabletask`,
  requiredQueryStringParameters: 'taskHub=hub',
  rpcBaseUrl: `http://127.0.0.1:${port}/runtime/webhooks/durabletask/`,
  httpBaseUrl: `http://127.0.0.1:${port}/runtime/webhooks/durabletask`,
});

function contextWith(data: unknown): InvocationContext {
  const binding = df.input.durableClient();
  const context = new InvocationContext({
    functionName: 'f',
    options: { trigger: { type: 'httpTrigger', name: 'req' }, extraInputs: [binding], extraOutputs: [] },
  });
  if (data !== undefined) context.extraInputs.set(binding, data);
  return context;
}

describe('durableClientOf: one durable client per distinct binding data', () => {
  beforeAll(() => {
    process.env.WEBSITE_HOSTNAME = '127.0.0.1:7071';
  });

  it('reuses the client across invocations that carry equal binding data (fresh objects each time)', () => {
    const first = durableClientOf(contextWith(clientData(7071)));
    expect(durableClientOf(contextWith(clientData(7071)))).toBe(first);
    expect(campaignClientOf(contextWith(clientData(7071)))).toBe(
      campaignClientOf(contextWith(clientData(7071))),
    );
  });

  it('builds another client when the binding data differs (another host, a rotated key)', () => {
    const a = durableClientOf(contextWith(clientData(7071)));
    const b = durableClientOf(contextWith(clientData(7072)));
    expect(b).not.toBe(a);
    expect(typeof b.readEntityState).toBe('function');
  });

  it('leaves a missing binding to the SDK, which says what is wrong', () => {
    expect(() => durableClientOf(contextWith(undefined))).toThrow(/durable client input/);
    expect(() => campaignClientOf(contextWith(undefined))).toThrow(/durable client input/);
  });
});

describe('isEnrolled: remembers yes, asks again after no', () => {
  const campaign = config();
  const counting = (inner: MemberRepository) => {
    const calls: string[] = [];
    const repo: MemberRepository = { ...inner, get: (c, m) => (calls.push(m), inner.get(c, m)) };
    return { repo, calls };
  };
  const enrol = async (repo: MemberRepository, memberId: string) => {
    const enrolment = createEnrolment({ memberId }, '2026-11-02T00:00:00.000Z', campaign);
    if (!enrolment.ok) throw new Error(enrolment.detail);
    await repo.create(enrolment.value);
  };

  it('reads the store once for a member who is enrolled', async () => {
    const { repo, calls } = counting(memoryMemberRepository());
    await enrol(repo, 'm-1');
    for (let i = 0; i < 3; i++) expect(await isEnrolled(repo, campaign.campaignId, 'm-1')).toBe(true);
    expect(calls).toEqual(['m-1']);
  });

  it('asks again every time the answer was no, so a member who enrols later is seen at once', async () => {
    const { repo, calls } = counting(memoryMemberRepository());
    expect(await isEnrolled(repo, campaign.campaignId, 'late')).toBe(false);
    expect(await isEnrolled(repo, campaign.campaignId, 'late')).toBe(false);
    await enrol(repo, 'late');
    expect(await isEnrolled(repo, campaign.campaignId, 'late')).toBe(true);
    expect(calls).toEqual(['late', 'late', 'late']);
  });

  it('keeps campaigns and repositories apart', async () => {
    const one = counting(memoryMemberRepository());
    const two = counting(memoryMemberRepository());
    await enrol(one.repo, 'm');
    expect(await isEnrolled(one.repo, campaign.campaignId, 'm')).toBe(true);
    expect(await isEnrolled(one.repo, 'another-campaign', 'm')).toBe(false);
    expect(await isEnrolled(two.repo, campaign.campaignId, 'm')).toBe(false);
  });

  it('forgets the oldest answers past its limit and asks for them again', async () => {
    const { repo, calls } = counting(memoryMemberRepository());
    for (const m of ['a', 'b', 'c']) await enrol(repo, m);
    for (const m of ['a', 'b', 'c']) await isEnrolled(repo, campaign.campaignId, m, 2);
    calls.length = 0;
    expect(await isEnrolled(repo, campaign.campaignId, 'c', 2)).toBe(true);
    expect(await isEnrolled(repo, campaign.campaignId, 'a', 2)).toBe(true);
    expect(calls).toEqual(['a']);
  });
});

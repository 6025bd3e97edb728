import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '../../src/app/services';
import { ConfigError, loadSettings } from '../../src/config';

const sample = JSON.parse(readFileSync(path.join(__dirname, '../../local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('settings', () => {
  it('the sample settings parse into SPEC §1 defaults', () => {
    const settings = loadSettings(sample.Values);
    expect(settings.campaign).toEqual({
      campaignId: 'cold-member-activation',
      targetAudCents: 100_000,
      windowDays: 30,
      timeZone: 'Australia/Sydney',
      graceDays: 5,
      rewardPoints: 2000,
      withdrawalPolicy: 'ANY_WITHDRAWAL',
      disqualifyingWithdrawalMethods: ['CARDHOLDER_TRANSFER', 'BANK_ACCOUNT'],
      feedStartDate: '2026-11-01',
      maxAmountCents: 100_000_000,
      maxEnrolmentBackdate: 'PT24H',
      rewardStuckAfter: 'PT24H',
      feedLateAlertAfter: 'PT12H',
      watermarkRecheck: 'PT1H',
    });
    expect(settings.points).toEqual({ url: 'http://127.0.0.1:7081', timeoutMs: 10_000 });
  });

  it('uses campaign defaults when campaign settings are absent, but needs the go-live date', () => {
    const env = {
      ...sample.Values,
      CAMPAIGN_TARGET_AUD_CENTS: undefined,
      CAMPAIGN_FEED_START_DATE: undefined,
    };
    expect(problemsOf(env)).toEqual([
      'CAMPAIGN_FEED_START_DATE: Invalid input: expected string, received undefined',
    ]);
    expect(loadSettings({ ...env, CAMPAIGN_FEED_START_DATE: '2027-01-01' }).campaign.targetAudCents).toBe(
      100_000,
    );
  });

  it.each([
    [
      'CAMPAIGN_TARGET_AUD_CENTS',
      '1000.00',
      'CAMPAIGN_TARGET_AUD_CENTS: CAMPAIGN_TARGET_AUD_CENTS must be a whole number (got "1000.00")',
    ],
    [
      'CAMPAIGN_TIME_ZONE',
      'Sydney',
      'CAMPAIGN_TIME_ZONE: must be an IANA time zone such as Australia/Sydney',
    ],
    [
      'CAMPAIGN_WITHDRAWAL_POLICY',
      'SOME',
      'CAMPAIGN_WITHDRAWAL_POLICY: Invalid option: expected one of "ANY_WITHDRAWAL"|"NET_BALANCE"',
    ],
    [
      'CAMPAIGN_MAX_ENROLMENT_BACKDATE',
      '24h',
      'CAMPAIGN_MAX_ENROLMENT_BACKDATE: must be an ISO-8601 duration such as PT24H',
    ],
    ['CAMPAIGN_FEED_START_DATE', '01/11/2026', 'CAMPAIGN_FEED_START_DATE: must be a date YYYY-MM-DD'],
    ['COSMOS_ENDPOINT', 'not a url', 'COSMOS_ENDPOINT: must be an absolute URL (got "not a url")'],
    ['POINTS_API_TIMEOUT_MS', '-5', 'POINTS_API_TIMEOUT_MS: must be a positive whole number (got "-5")'],
    ['FEED_PARALLELISM', '17', 'FEED_PARALLELISM: must be at most 16 (got "17")'],
    ['FEED_CHUNK_ROWS', '2000000', 'FEED_CHUNK_ROWS: must be at most 1000000 (got "2000000")'],
    [
      'FEED_STAGING_CONTAINER',
      'Feed_Staging',
      'FEED_STAGING_CONTAINER: must be a storage container name, 3-63 of a-z, 0-9 and - (got "Feed_Staging")',
    ],
  ])('names the setting and the problem when %s is %j', (name, value, message) => {
    expect(problemsOf({ ...sample.Values, [name]: value })).toEqual([message]);
  });

  it('parses the feed settings with the rest, defaults included', () => {
    const { FEED_STAGING_CONTAINER: _s, FEED_PARALLELISM: _p, ...withoutFeedOnly } = sample.Values;
    expect(loadSettings(withoutFeedOnly).feed).toMatchObject({
      container: 'warehouse-drops',
      stagingContainer: 'feed-staging',
      chunkRows: 50_000,
      parallelism: 3,
    });
    expect(loadSettings({ ...sample.Values, FEED_PARALLELISM: '5' }).feed.parallelism).toBe(5);
  });

  it('the composition root parses at start-up: a bad setting throws a ConfigError naming it', () => {
    const compose = () => composeServices({ ...sample.Values, CAMPAIGN_TIME_ZONE: 'Mars/Base' });
    expect(compose).toThrow(ConfigError);
    expect(compose).toThrow(/CAMPAIGN_TIME_ZONE: must be an IANA time zone/);
  });

  it('names a bad withdrawal method and lists the allowed ones', () => {
    const [problem] = problemsOf({
      ...sample.Values,
      CAMPAIGN_DISQUALIFYING_WITHDRAWAL_METHODS: 'BANK_ACCOUNT,PAYPAL',
    });
    expect(problem).toMatch(
      /^CAMPAIGN_DISQUALIFYING_WITHDRAWAL_METHODS: .*\(allowed: CARDHOLDER_TRANSFER, BANK_ACCOUNT, ATM\)$/,
    );
  });

  it('reports every problem at once, including missing connections', () => {
    const problems = problemsOf({
      ...sample.Values,
      ServiceBusConnection: '',
      FeedStorage: '',
      POINTS_API_URL: '',
    });
    expect(problems).toEqual([
      'POINTS_API_URL: is required',
      'ServiceBusConnection: set ServiceBusConnection (connection string) or ServiceBusConnection__fullyQualifiedNamespace',
      'FeedStorage: set FeedStorage (connection string) or FeedStorage__blobServiceUri',
    ]);
  });

  it('treats an unresolved Key Vault reference as an absent key', () => {
    const settings = loadSettings({
      ...sample.Values,
      POINTS_API_KEY: '@Microsoft.KeyVault(SecretUri=https://kv/secrets/points-api-key)',
    });
    expect(settings.points.apiKey).toBeUndefined();
    expect(loadSettings({ ...sample.Values, POINTS_API_KEY: 'k-1' }).points.apiKey).toBe('k-1');
  });

  it('accepts identity-based connections as Azure sets them', () => {
    const settings = loadSettings({
      ...sample.Values,
      COSMOS_KEY: undefined,
      ServiceBusConnection: undefined,
      ServiceBusConnection__fullyQualifiedNamespace: 'sb-cma.servicebus.windows.net',
      FeedStorage: undefined,
      FeedStorage__blobServiceUri: 'https://stcma.blob.core.windows.net',
    });
    expect(settings.cosmos.key).toBeUndefined();
    expect(settings.serviceBus).toEqual({ fullyQualifiedNamespace: 'sb-cma.servicebus.windows.net' });
  });
});

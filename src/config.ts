import { z } from 'zod';
import {
  campaignConfigSchema,
  DEFAULT_CAMPAIGN_CONFIG,
  WITHDRAWAL_METHODS,
  type CampaignConfig,
} from './domain';

/** A setting is missing or invalid: start-up stops with a message naming each setting and its problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface AppSettings {
  campaign: CampaignConfig;
  cosmos: { endpoint: string; database: string; key?: string };
  points: { url: string; timeoutMs: number; apiKey?: string };
  transactionsQueue: string;
  notificationsTopic: string;
  /** Connection string (local) or fully qualified namespace (Azure, managed identity). */
  serviceBus: { connectionString?: string; fullyQualifiedNamespace?: string };
  feed: {
    container: string;
    stagingContainer: string;
    chunkRows: number;
    parallelism: number;
    connectionString?: string;
    blobServiceUri?: string;
  };
}

type Env = Record<string, string | undefined>;

const int = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform((s) => Number(s));

/** Campaign settings as environment variables (docs/contracts.md), each mapped onto SPEC §1's configuration. */
const CAMPAIGN_SETTINGS = {
  CAMPAIGN_ID: ['campaignId', z.string()],
  CAMPAIGN_TARGET_AUD_CENTS: ['targetAudCents', int('CAMPAIGN_TARGET_AUD_CENTS')],
  CAMPAIGN_WINDOW_DAYS: ['windowDays', int('CAMPAIGN_WINDOW_DAYS')],
  CAMPAIGN_TIME_ZONE: ['timeZone', z.string()],
  CAMPAIGN_GRACE_DAYS: ['graceDays', int('CAMPAIGN_GRACE_DAYS')],
  CAMPAIGN_REWARD_POINTS: ['rewardPoints', int('CAMPAIGN_REWARD_POINTS')],
  CAMPAIGN_WITHDRAWAL_POLICY: ['withdrawalPolicy', z.string()],
  CAMPAIGN_DISQUALIFYING_WITHDRAWAL_METHODS: [
    'disqualifyingWithdrawalMethods',
    z.string().transform((s) =>
      s
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  ],
  CAMPAIGN_FEED_START_DATE: ['feedStartDate', z.string()],
  CAMPAIGN_MAX_AMOUNT_CENTS: ['maxAmountCents', int('CAMPAIGN_MAX_AMOUNT_CENTS')],
  CAMPAIGN_MAX_ENROLMENT_BACKDATE: ['maxEnrolmentBackdate', z.string()],
  CAMPAIGN_REWARD_STUCK_AFTER: ['rewardStuckAfter', z.string()],
  CAMPAIGN_FEED_LATE_ALERT_AFTER: ['feedLateAlertAfter', z.string()],
  CAMPAIGN_WATERMARK_RECHECK: ['watermarkRecheck', z.string()],
} as const satisfies Record<string, readonly [keyof CampaignConfig, z.ZodType]>;

function parseCampaign(env: Env, problems: string[]): CampaignConfig | undefined {
  const raw: Record<string, unknown> = { ...DEFAULT_CAMPAIGN_CONFIG };
  for (const [setting, [field, schema]] of Object.entries(CAMPAIGN_SETTINGS)) {
    const value = env[setting];
    if (value === undefined || value === '') continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) raw[field] = parsed.data;
    else problems.push(`${setting}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got "${value}")`);
  }
  const settingOf = (field: PropertyKey) =>
    Object.entries(CAMPAIGN_SETTINGS).find(([, [f]]) => f === field)?.[0] ?? String(field);
  const parsed = campaignConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const setting = settingOf(issue.path[0] ?? '');
    if (problems.some((p) => p.startsWith(`${setting}:`))) continue;
    const hint =
      issue.path[0] === 'disqualifyingWithdrawalMethods'
        ? ` (allowed: ${WITHDRAWAL_METHODS.join(', ')})`
        : '';
    problems.push(`${setting}: ${issue.message}${hint}`);
  }
  return undefined;
}

function required(env: Env, name: string, problems: string[], fallback?: string): string {
  const value = env[name] ?? fallback;
  if (value === undefined || value === '') problems.push(`${name}: is required`);
  return value ?? '';
}

/** An unset value, or a Key Vault reference App Service could not resolve (it then passes the literal through). */
function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' || value.startsWith('@Microsoft.KeyVault(') ? undefined : value;
}

function url(env: Env, name: string, problems: string[], fallback?: string): string {
  const value = required(env, name, problems, fallback);
  if (value && !URL.canParse(value)) problems.push(`${name}: must be an absolute URL (got "${value}")`);
  return value;
}

function positive(env: Env, name: string, fallback: number, problems: string[], max?: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0)
    problems.push(`${name}: must be a positive whole number (got "${value}")`);
  else if (max !== undefined && Number(value) > max)
    problems.push(`${name}: must be at most ${max} (got "${value}")`);
  return Number(value);
}

/** A container name: 3-63 lowercase letters, digits and single hyphens (Azure Storage's rule). */
function containerName(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = required(env, name, problems, fallback);
  if (value && !/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(value))
    problems.push(`${name}: must be a storage container name, 3-63 of a-z, 0-9 and - (got "${value}")`);
  return value;
}

/**
 * Parses every setting the app reads (docs/contracts.md). Throws a ConfigError that names each invalid
 * setting. The composition root (`src/app/services.ts`) calls it once, when the entry point loads, so a
 * misconfigured deployment does not start (see `composeServices`), instead of failing on the first message.
 */
export function loadSettings(env: Env = process.env): AppSettings {
  const problems: string[] = [];
  const campaign = parseCampaign(env, problems);
  const settings: AppSettings = {
    campaign: campaign as CampaignConfig,
    cosmos: {
      endpoint: url(env, 'COSMOS_ENDPOINT', problems),
      database: required(env, 'COSMOS_DATABASE', problems, 'loyalty'),
      ...(optional(env, 'COSMOS_KEY') ? { key: optional(env, 'COSMOS_KEY') } : {}),
    },
    points: {
      url: url(env, 'POINTS_API_URL', problems),
      timeoutMs: positive(env, 'POINTS_API_TIMEOUT_MS', 10_000, problems),
      ...(optional(env, 'POINTS_API_KEY') ? { apiKey: optional(env, 'POINTS_API_KEY') } : {}),
    },
    transactionsQueue: required(env, 'TRANSACTIONS_QUEUE', problems, 'card-transactions'),
    notificationsTopic: required(env, 'NOTIFICATIONS_TOPIC', problems, 'member-progress'),
    serviceBus: {
      ...(optional(env, 'ServiceBusConnection')
        ? { connectionString: optional(env, 'ServiceBusConnection') }
        : {}),
      ...(optional(env, 'ServiceBusConnection__fullyQualifiedNamespace')
        ? { fullyQualifiedNamespace: optional(env, 'ServiceBusConnection__fullyQualifiedNamespace') }
        : {}),
    },
    feed: {
      container: containerName(env, 'FEED_CONTAINER', 'warehouse-drops', problems),
      stagingContainer: containerName(env, 'FEED_STAGING_CONTAINER', 'feed-staging', problems),
      chunkRows: positive(env, 'FEED_CHUNK_ROWS', 50_000, problems, 1_000_000),
      parallelism: positive(env, 'FEED_PARALLELISM', 3, problems, 16),
      ...(optional(env, 'FeedStorage') ? { connectionString: optional(env, 'FeedStorage') } : {}),
      ...(optional(env, 'FeedStorage__blobServiceUri')
        ? { blobServiceUri: optional(env, 'FeedStorage__blobServiceUri') }
        : {}),
    },
  };
  if (!settings.serviceBus.connectionString && !settings.serviceBus.fullyQualifiedNamespace) {
    problems.push(
      'ServiceBusConnection: set ServiceBusConnection (connection string) or ServiceBusConnection__fullyQualifiedNamespace',
    );
  }
  if (!settings.feed.connectionString && !settings.feed.blobServiceUri) {
    problems.push('FeedStorage: set FeedStorage (connection string) or FeedStorage__blobServiceUri');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

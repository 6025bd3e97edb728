import { checkSdk, SDK_CHECK_ENV, SdkVersionError, WRITTEN_FOR } from '../../interceptions';

describe('SDK version checks (local/interceptions.ts)', () => {
  it('fails loudly on another version, naming the package, the version written for and the one found', () => {
    const attempt = () => checkSdk('durable-functions', '3.6.0', {});
    expect(attempt).toThrow(SdkVersionError);
    expect(attempt).toThrow(
      `intercepts durable-functions as built in version ${WRITTEN_FOR['durable-functions']}, but 3.6.0 is installed`,
    );
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({
        packageName: 'durable-functions',
        expected: WRITTEN_FOR['durable-functions'],
        found: '3.6.0',
      });
    }
  });

  it('accepts the exact version written for, and skips the check with the escape hatch', () => {
    expect(() => checkSdk('azurite', WRITTEN_FOR.azurite, {})).not.toThrow();
    expect(() => checkSdk('azurite', '3.36.0', { [SDK_CHECK_ENV]: 'off' })).not.toThrow();
  });
});

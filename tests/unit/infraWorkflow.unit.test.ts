import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

// The deployment workflow cannot run here; these checks hold it to the rules that matter: tested before
// deployed, OIDC only (no stored Azure secret), dev before prod, prod behind its environment's approval.

const root = path.resolve(__dirname, '../..');
const readText = (relative: string): string => fs.readFileSync(path.join(root, relative), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Job {
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  permissions?: Record<string, string>;
  environment?: string;
  env?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: unknown;
  jobs: Record<string, Job>;
}

const needsOf = (job: Job | undefined): string[] => [job?.needs ?? []].flat();

/** Problems of the caller (deploy.yml) and the per-environment workflow it calls. */
function workflowProblems(callerText: string, environmentText: string): string[] {
  const caller = parse(callerText) as Workflow;
  const env = parse(environmentText) as Workflow;
  const problems: string[] = [];
  const build = caller.jobs.build;
  if (!build?.steps?.some((s) => s.run?.includes('bash .ci/run')))
    problems.push('build does not run bash .ci/run');
  const deployJobs = Object.entries(caller.jobs).filter(([, j]) =>
    j.uses?.endsWith('deploy-environment.yml'),
  );
  const byEnv = new Map(deployJobs.map(([name, j]) => [j.with?.environment, name]));
  const dev = byEnv.get('dev');
  const prod = byEnv.get('prod');
  if (!dev || !needsOf(caller.jobs[dev]).includes('build')) problems.push('dev is not deployed after build');
  if (!prod || !dev || !needsOf(caller.jobs[prod]).includes(dev))
    problems.push('prod is not deployed after dev');
  for (const [name, job] of deployJobs) {
    if (job.permissions?.['id-token'] !== 'write') problems.push(`${name} does not grant id-token: write`);
  }
  const deploy = env.jobs.deploy;
  if (deploy?.environment !== '${{ inputs.environment }}')
    problems.push('deploy does not run in the GitHub environment');
  if (deploy?.permissions?.['id-token'] !== 'write') problems.push('deploy does not grant id-token: write');
  const login = deploy?.steps?.find((s) => s.uses?.startsWith('azure/login@'));
  if (!login || !String(login.with?.['client-id'] ?? '').includes('vars.'))
    problems.push('azure/login is not OIDC with a client id');
  if (/\bsecrets\./.test(callerText + environmentText)) problems.push('a stored secret is used');
  return problems;
}

describe('GitHub Actions deployment', () => {
  const caller = readText('.github/workflows/deploy.yml');
  const environment = readText('.github/workflows/deploy-environment.yml');

  it('tests, then deploys dev, then prod, with OIDC and no stored secret', () => {
    expect(workflowProblems(caller, environment)).toEqual([]);
  });

  it('reports a stored secret, a missing id-token permission and prod not waiting for dev', () => {
    const broken = caller
      .replace(/needs: deploy-dev/, 'needs: build')
      .replace(/id-token: write/g, 'id-token: read');
    const login = environment.replace(
      'client-id: ${{ vars.AZURE_CLIENT_ID }}',
      'creds: ${{ secrets.AZURE_CREDENTIALS }}',
    );
    expect(workflowProblems(broken, login)).toEqual(
      expect.arrayContaining([
        'prod is not deployed after dev',
        'deploy-dev does not grant id-token: write',
        'azure/login is not OIDC with a client id',
        'a stored secret is used',
      ]),
    );
  });

  it('provisions each environment from its own parameter file and runs the feed subscription hook', () => {
    const jobs = (parse(caller) as Workflow).jobs;
    const files = Object.values(jobs).flatMap((j) => (j.with?.parameters ? [String(j.with.parameters)] : []));
    expect(files.sort()).toEqual(['infra/bicep/main.dev.bicepparam', 'infra/bicep/main.prod.bicepparam']);
    for (const file of files) expect(fs.existsSync(path.join(root, file))).toBe(true);
    const runs = ((parse(environment) as Workflow).jobs.deploy?.steps ?? [])
      .map((s) => s.run ?? '')
      .join('\n');
    expect(runs).toMatch(/az deployment sub create[\s\S]*--parameters "\$\{\{ inputs\.parameters \}\}"/);
    expect(runs).toContain('sh infra/bicep/hooks/postdeploy.sh');
  });

  it('gives the deploy job every environment variable the parameter files read', () => {
    const read = (files: string[]): string[] =>
      files.flatMap((f) =>
        [...readText(`infra/bicep/${f}`).matchAll(/readEnvironmentVariable\('(\w+)'/g)].map(
          (m) => m[1] ?? '',
        ),
      );
    const wanted = new Set(read(['main.dev.bicepparam', 'main.prod.bicepparam']));
    const given = Object.keys((parse(environment) as Workflow).jobs.deploy?.env ?? {});
    expect(wanted).toContain('MONITOR_AUTH_CLIENT_ID');
    expect([...wanted].filter((name) => !given.includes(name))).toEqual([]);
  });
});

describe('Bicep compilation in the workflow', () => {
  const runs = (text: string): string[] =>
    ((parse(text) as Workflow).jobs.build?.steps ?? []).map((s) => s.run ?? '');

  /** What the build job (which every deployment needs) must run with the real Bicep compiler. */
  function bicepProblems(callerText: string): string[] {
    const script = runs(callerText).join('\n');
    const wanted = [
      'az bicep build --file infra/bicep/main.bicep',
      'az bicep lint --file infra/bicep/main.bicep',
      'az bicep build-params --file "$params"',
      'az bicep lint --file "$params"',
    ];
    const problems = wanted.filter((w) => !script.includes(w)).map((w) => `build does not run ${w}`);
    if (!script.includes('for params in infra/bicep/*.bicepparam'))
      problems.push('build does not check every parameter file');
    return problems;
  }

  it('compiles and lints main.bicep and every parameter file before any deployment', () => {
    const caller = readText('.github/workflows/deploy.yml');
    expect(bicepProblems(caller)).toEqual([]);
    const files = fs.readdirSync(path.join(root, 'infra/bicep')).filter((f) => f.endsWith('.bicepparam'));
    expect(files.sort()).toEqual(['main.dev.bicepparam', 'main.prod.bicepparam']);
  });

  it('reports a workflow that only lints', () => {
    const caller = readText('.github/workflows/deploy.yml').replace(/.*az bicep build.*\n/g, '');
    expect(bicepProblems(caller)).toEqual([
      'build does not run az bicep build --file infra/bicep/main.bicep',
      'build does not run az bicep build-params --file "$params"',
    ]);
  });
});

describe('Node version', () => {
  /** Every place that names the Node major Azure runs: they must agree, and .ci/run must prove it. */
  function nodeTargets(): Record<string, string | undefined> {
    const pkg = JSON.parse(readText('package.json')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    const steps = (parse(readText('.github/workflows/deploy.yml')) as Workflow).jobs.build?.steps ?? [];
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    return {
      bicep: /runtime: \{ name: 'node', version: '(\d+)' \}/.exec(
        readText('infra/bicep/modules/functionApp.bicep'),
      )?.[1],
      workflow: String(setup?.with?.['node-version'] ?? ''),
      engines: /^>=(\d+)/.exec(pkg.engines.node)?.[1],
      typesNode: /^\^(\d+)\./.exec(pkg.devDependencies['@types/node'] ?? '')?.[1],
    };
  }

  it('targets Node 22 in Bicep, the workflow, engines and @types/node', () => {
    expect(nodeTargets()).toEqual({ bicep: '22', workflow: '22', engines: '22', typesNode: '22' });
  });

  it("runs the unit and int tiers on Node 22 in .ci/run, after the suite on this machine's Node", () => {
    const ci = readText('.ci/run');
    expect(ci.indexOf('bash scripts/ci/node22.sh')).toBeGreaterThan(ci.indexOf('npm test'));
    expect(readText('scripts/ci/node22.sh')).toContain('jest --selectProjects unit int');
  });
});

describe('.ci/run on a GitHub runner (not root, Ubuntu)', () => {
  const ci = readText('.ci/run');

  it('installs packages only through as_root, which uses sudo when not root', () => {
    const aptLines = ci.split('\n').filter((l) => /\bapt-get\b/.test(l));
    expect(aptLines.length).toBeGreaterThan(0);
    for (const line of aptLines) expect(line.trim()).toMatch(/^as_root (env \S+ )?apt-get /);

    const definition = /^as_root\(\) \{.*\}$/m.exec(ci)?.[0] ?? '';
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-run-'));
    fs.writeFileSync(path.join(bin, 'id'), '#!/bin/sh\necho 1001\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sudo'), '#!/bin/sh\necho "sudo $*"\n', { mode: 0o755 });
    const run = (script: string) =>
      execFileSync('bash', ['-c', `${definition}\n${script}`], {
        env: { PATH: `${bin}:/usr/bin:/bin` },
      }).toString();
    expect(run('as_root echo apt-get update')).toBe('sudo echo apt-get update\n');
    fs.writeFileSync(path.join(bin, 'id'), '#!/bin/sh\necho 0\n', { mode: 0o755 });
    expect(run('as_root echo apt-get update')).toBe('apt-get update\n');
  });

  it('uses a browser the machine has (CHROMIUM_PATH, chromium, chromium-browser, google-chrome) and passes it on', () => {
    expect(ci).toMatch(/for candidate in "\$\{CHROMIUM_PATH:-\}" \/usr\/bin\/chromium/);
    expect(ci).toContain('command -v google-chrome');
    expect(ci).toMatch(/^export CHROMIUM_PATH=/m);
    // both browser users read it: the browser tests and the design document's renderer
    expect(readText('tests/support/browser.ts')).toContain("process.env['CHROMIUM_PATH']");
    expect(readText('scripts/docs/pdf.ts')).toContain("process.env['CHROMIUM_PATH']");
  });
});

describe('azure.yaml (Azure Developer CLI)', () => {
  const project = parse(readText('azure.yaml')) as {
    infra: { provider: string; path: string; module: string };
    services: Record<
      string,
      {
        project: string;
        language: string;
        host: string;
        dist?: string;
        remoteBuild?: boolean;
        hooks?: { prepackage?: { posix?: { run?: string } } };
      }
    >;
    hooks: { postdeploy: { posix: { run: string } } };
  };

  it('points at infra/bicep/main.bicep and deploys the api service as a TypeScript function app', () => {
    expect(project.infra).toEqual({ provider: 'bicep', path: 'infra/bicep', module: 'main' });
    expect(fs.existsSync(path.join(root, project.infra.path, `${project.infra.module}.bicep`))).toBe(true);
    expect(project.services.api).toMatchObject({ project: '.', language: 'ts', host: 'function' });
  });

  it('packages what the GitHub workflow packages: one staging script, its folder as the package', () => {
    const api = project.services.api;
    const stage = 'npx tsx scripts/package/stage.ts';
    expect(api?.hooks?.prepackage?.posix?.run).toBe(stage);
    // azd zips `dist` (the staged folder) and reads the ignore file from there; node_modules ships as built
    expect(api?.dist).toBe('.deploy');
    expect(api?.remoteBuild).toBe(false);
    const steps = (parse(readText('.github/workflows/deploy.yml')) as Workflow).jobs.build?.steps ?? [];
    const packaging = steps.filter((s) => /zip|npm prune|npm run build/.test(s.run ?? ''));
    expect(packaging.map((s) => s.run?.trim())).toEqual([`${stage} --zip release.zip`]);
  });

  it('runs the same feed subscription hook after deploy, and the hook is executable', () => {
    const hook = path.join(root, project.hooks.postdeploy.posix.run);
    expect(path.relative(root, hook)).toBe('infra/bicep/hooks/postdeploy.sh');
    expect(fs.statSync(hook).mode & 0o111).not.toBe(0);
  });
});

describe('durable contract job (issue 16.4)', () => {
  const workflowText = readText('.github/workflows/durable-contract.yml');
  const fixtureHost = readText('tests/fixtures/durable-contract-app/host.json');

  /** What the job needs to run the contract against the real host; one problem per missing piece. */
  function contractProblems(text: string, hostJson: string): string[] {
    const job = (parse(text) as Workflow).jobs.contract;
    const steps = job?.steps ?? [];
    const script = steps.map((s) => s.run ?? '').join('\n');
    const problems: string[] = [];
    if (!/azure-functions-core-tools@4\b/.test(script)) problems.push('Core Tools v4 is not installed');
    if (!/\bazurite\b[\s\S]*--skipApiVersionCheck/.test(script)) problems.push('Azurite is not started');
    if (!script.includes('"AzureWebJobsStorage": "UseDevelopmentStorage=true"'))
      problems.push('AzureWebJobsStorage does not point at Azurite');
    if (!script.includes('"FUNCTIONS_WORKER_RUNTIME": "node"'))
      problems.push('the worker runtime is not node');
    const fixture = job?.env?.['FIXTURE'];
    if (fixture !== 'tests/fixtures/durable-contract-app')
      problems.push('the fixture app is not the one tested here');
    if (
      !steps.some(
        (s) => /func start --port 7071/.test(s.run ?? '') && s['working-directory'] === '${{ env.FIXTURE }}',
      )
    )
      problems.push('func start does not run in the fixture app');
    const test = steps.find((s) => s.run?.includes('tests/int/durableContract.int.test.ts'));
    if (test?.env?.['DURABLE_CONTRACT_URL'] !== 'http://127.0.0.1:7071')
      problems.push('the contract test does not run against func start');
    const bundle = (JSON.parse(hostJson) as { extensionBundle?: { id?: string; version?: string } })
      .extensionBundle;
    if (bundle?.id !== 'Microsoft.Azure.Functions.ExtensionBundle' || bundle.version !== '[4.*, 5.0.0)')
      problems.push('the fixture does not use extension bundle 4.x');
    if (/\bsecrets\./.test(text)) problems.push('a stored secret is used');
    return problems;
  }

  it('runs the contract file against func start (Core Tools v4, bundle 4.x) on Azurite', () => {
    expect(contractProblems(workflowText, fixtureHost)).toEqual([]);
    expect(fs.existsSync(path.join(root, 'tests/int/durableContract.int.test.ts'))).toBe(true);
    const pkg = JSON.parse(readText('tests/fixtures/durable-contract-app/package.json')) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(fs.existsSync(path.join(root, 'tests/fixtures/durable-contract-app', pkg.main))).toBe(true);
    // the real host runs the same SDK versions as the engine's tests
    const installed = (name: string): string =>
      (JSON.parse(readText(`node_modules/${name}/package.json`)) as { version: string }).version;
    expect(pkg.dependencies).toEqual({
      '@azure/functions': installed('@azure/functions'),
      'durable-functions': installed('durable-functions'),
    });
  });

  it('reports a job on the wrong Core Tools, without Azurite, or not aimed at func start', () => {
    const broken = workflowText
      .replace('azure-functions-core-tools@4', 'azure-functions-core-tools@3')
      .replace(/--skipApiVersionCheck/g, '')
      .replace('DURABLE_CONTRACT_URL: http://127.0.0.1:7071', 'DURABLE_CONTRACT_URL: ""');
    const oldBundle = fixtureHost.replace('[4.*, 5.0.0)', '[3.*, 4.0.0)');
    expect(contractProblems(broken, oldBundle)).toEqual([
      'Core Tools v4 is not installed',
      'Azurite is not started',
      'the contract test does not run against func start',
      'the fixture does not use extension bundle 4.x',
    ]);
  });
});

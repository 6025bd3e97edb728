import fs from 'node:fs';
import path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { CONTAINER_DEFINITIONS } from '../../src/adapters/cosmos/containers';

// The Bicep compiler cannot run here, so these checks stand in for the parts of it that matter most:
// syntax (tree-sitter-bicep), module parameters and outputs, parameter files, and the project's own rules
// (every setting the code reads is set, identity-based access only, no keys). Each rule is also run on a
// deliberately broken copy, so a check that silently passes everything would fail its own test.

const root = path.resolve(__dirname, '../..');
const bicepDir = path.join(root, 'infra/bicep');

// ---------------------------------------------------------------------------------------------------
// Reading Bicep: a syntax tree and a small evaluator from literal nodes to plain values.

type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Expr;
interface Expr {
  $expr: string;
}
interface Declaration {
  symbol: string;
  node: Node;
}
interface ResourceDecl extends Declaration {
  type: string;
  existing: boolean;
  body: Value;
}
interface ModuleDecl extends Declaration {
  path: string;
  body: Value;
}
interface BicepFile {
  file: string;
  text: string;
  root: Node;
}

let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  // Bytes, not a path: Language.load(path) uses a dynamic import that Jest's module VM refuses.
  const wasm = fs.readFileSync(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
  parser = new Parser();
  parser.setLanguage(await Language.load(wasm));
});

/**
 * tree-sitter-bicep 1.1 has no rule for a parameters file's `param name = expr` (it wants a type), but
 * the right-hand side is an ordinary expression, exactly as in `var name = expr`. Swapping the keyword
 * (same length, so line:column positions stay true) lets the grammar check the whole file.
 */
function parse(text: string, file = 'inline.bicep'): BicepFile {
  const source = file.endsWith('.bicepparam') ? text.replace(/^(\s*)param(\s+\w+\s*=)/gm, '$1var  $2') : text;
  const tree = parser.parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
  return { file, text, root: tree.rootNode };
}

function read(relative: string): BicepFile {
  return parse(fs.readFileSync(path.join(bicepDir, relative), 'utf8'), relative);
}

const kids = (node: Node): Node[] => node.namedChildren.filter((n): n is Node => n !== null);
const statements = (f: BicepFile, type: string): Node[] => kids(f.root).filter((n) => n.type === type);
const nameOf = (node: Node): string => kids(node)[0]?.text ?? '';

function syntaxErrors(f: BicepFile): string[] {
  const found: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      const where = `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      found.push(
        `${f.file}:${where} ${node.isMissing ? `missing ${node.type}` : 'syntax error'} near ${JSON.stringify(node.text.slice(0, 40))}`,
      );
    }
    node.children.forEach((c) => c && visit(c));
  };
  visit(f.root);
  return found;
}

function stringValue(node: Node): string {
  const raw = node.text.startsWith("'''") ? node.text.slice(3, -3) : node.text.slice(1, -1);
  return raw.replace(/\\(['\\$nrt])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

function valueOf(node: Node): Value {
  switch (node.type) {
    case 'string':
      return stringValue(node);
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'array':
      return kids(node).map(valueOf);
    case 'object': {
      const entries = kids(node)
        .filter((p) => p.type === 'object_property')
        .map((p) => {
          const [key, value] = kids(p);
          if (!key || !value) return undefined;
          return [key.type === 'string' ? stringValue(key) : key.text, valueOf(value)] as const;
        })
        .filter((e) => e !== undefined);
      return Object.fromEntries(entries);
    }
    case 'if_statement':
    case 'for_statement': {
      const body = kids(node).at(-1);
      return body ? valueOf(body) : { $expr: node.text };
    }
    default:
      return { $expr: node.text };
  }
}

const isExpr = (v: Value | undefined): v is Expr => typeof v === 'object' && v !== null && '$expr' in v;

/** Follows a dotted path through plain objects; undefined when a step is missing or not an object. */
function at(v: Value | undefined, dotted: string): Value | undefined {
  return dotted.split('.').reduce<Value | undefined>((cur, key) => {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || isExpr(cur)) return undefined;
    return cur[key];
  }, v);
}

function resources(f: BicepFile): ResourceDecl[] {
  return statements(f, 'resource_declaration').map((node) => {
    const [symbol, type, body] = kids(node);
    return {
      symbol: symbol?.text ?? '',
      node,
      type: type ? stringValue(type) : '',
      existing: node.children.some((c) => c?.type === 'existing'),
      body: body ? valueOf(body) : null,
    };
  });
}

function modules(f: BicepFile): ModuleDecl[] {
  return statements(f, 'module_declaration').map((node) => {
    const [symbol, target, body] = kids(node);
    return {
      symbol: symbol?.text ?? '',
      node,
      path: target ? stringValue(target) : '',
      body: body ? valueOf(body) : null,
    };
  });
}

/** The role assignments to one principal, each as `{scope} {role}` (the scope and role symbols as written). */
function grants(f: BicepFile, principal: string): string[] {
  return resources(f)
    .filter((r) => r.type.startsWith('Microsoft.Authorization/roleAssignments@'))
    .filter((r) => (at(r.body, 'properties.principalId') as Expr | undefined)?.$expr === principal)
    .map(
      (r) =>
        `${(at(r.body, 'scope') as Expr | undefined)?.$expr ?? ''} ${/roles\.(\w+)/.exec((at(r.body, 'properties.roleDefinitionId') as Expr | undefined)?.$expr ?? '')?.[1] ?? ''}`,
    );
}

function paramDefault(f: BicepFile, name: string): Value | undefined {
  const decl = statements(f, 'parameter_declaration').find((n) => nameOf(n) === name);
  const value = decl ? kids(decl)[2] : undefined;
  return value ? valueOf(value) : undefined;
}

function variable(f: BicepFile, name: string): Value | undefined {
  const decl = statements(f, 'variable_declaration').find((n) => nameOf(n) === name);
  const expr = decl ? kids(decl)[1] : undefined;
  return expr ? valueOf(expr) : undefined;
}

function params(f: BicepFile): { name: string; required: boolean }[] {
  return statements(f, 'parameter_declaration').map((n) => ({
    name: nameOf(n),
    required: kids(n).length < 3,
  }));
}

const outputs = (f: BicepFile): string[] => statements(f, 'output_declaration').map(nameOf);

function allBicepFiles(dir = bicepDir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return allBicepFiles(full);
    return /\.bicep(param)?$/.test(e.name) ? [path.relative(bicepDir, full)] : [];
  });
}

// ---------------------------------------------------------------------------------------------------
// The checks. Each returns a list of problems; an empty list means the rule holds.

/** What `az bicep build` would say about module calls: missing file, unknown or missing params, outputs. */
function moduleProblems(f: BicepFile, load: (relative: string) => BicepFile | undefined): string[] {
  return modules(f).flatMap((m) => {
    const relative = path.join(path.dirname(f.file), m.path);
    const target = load(relative);
    if (!target) return [`${f.file}: module ${m.symbol} refers to ${m.path}, which does not exist`];
    const declared = params(target);
    const given = Object.keys((at(m.body, 'params') ?? {}) as object);
    const unknown = given.filter((p) => !declared.some((d) => d.name === p));
    const missing = declared.filter((d) => d.required && !given.includes(d.name)).map((d) => d.name);
    const used = [...f.text.matchAll(new RegExp(`\\b${m.symbol}\\.outputs\\.(\\w+)`, 'g'))].map(
      (x) => x[1] ?? '',
    );
    const absent = [...new Set(used)].filter((o) => !outputs(target).includes(o));
    return [
      ...unknown.map((p) => `${f.file}: module ${m.symbol} passes ${p}, which ${m.path} does not declare`),
      ...missing.map((p) => `${f.file}: module ${m.symbol} does not pass required ${p} of ${m.path}`),
      ...absent.map((o) => `${f.file}: ${m.symbol}.outputs.${o} is not an output of ${m.path}`),
    ];
  });
}

// The standard functions and decorators this template may call (learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions).
const BICEP_FUNCTIONS = new Set(
  (
    'any array base64 base64ToString bool concat contains dataUri dateTimeAdd deployer deployment empty endsWith ' +
    'environment extensionResourceId filter first flatten format guid indexOf int intersection items join json ' +
    'last lastIndexOf length loadJsonContent loadTextContent map max min newGuid padLeft range readEnvironmentVariable ' +
    'reduce replace resourceGroup resourceId skip sort split startsWith string subscription subscriptionResourceId ' +
    'substring take tenant tenantResourceId toLower toObject toUpper trim union uniqueString uri uriComponent utcNow ' +
    'allowed batchSize description export maxLength maxValue metadata minLength minValue secure sealed'
  ).split(' '),
);

const DECLARATIONS = new Set([
  'parameter_declaration',
  'variable_declaration',
  'resource_declaration',
  'module_declaration',
  'output_declaration',
  'type_declaration',
  'user_defined_function',
  'metadata_declaration',
]);

/** What the compiler reports as BCP057/BCP082 (undefined symbol) and an unknown function name. */
function referenceProblems(f: BicepFile): string[] {
  const declared = new Set(
    kids(f.root)
      .filter((n) => DECLARATIONS.has(n.type))
      .map(nameOf),
  );
  for (const loop of f.root.descendantsOfType('for_statement')) {
    const initializer = loop?.childForFieldName('initializer');
    if (initializer) declared.add(initializer.text);
  }
  for (const v of f.root.descendantsOfType(['loop_variable', 'loop_enumerator'])) if (v) declared.add(v.text);
  const where = (n: Node) => `${f.file}:${n.startPosition.row + 1}`;
  return f.root.descendantsOfType('identifier').flatMap((id) => {
    const parent = id?.parent;
    if (!id || !parent) return [];
    const first = kids(parent)[0]?.id === id.id;
    if (DECLARATIONS.has(parent.type) && first) return [];
    if (parent.type === 'object_property' && first) return [];
    if (parent.type === 'for_statement' && parent.childForFieldName('initializer')?.id === id.id) return [];
    if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id) {
      return BICEP_FUNCTIONS.has(id.text) ? [] : [`${where(id)} unknown function ${id.text}()`];
    }
    return declared.has(id.text) ? [] : [`${where(id)} undefined symbol ${id.text}`];
  });
}

/** A parameters file must use main.bicep, assign only its params, and assign every required one. */
function paramFileProblems(f: BicepFile, main: BicepFile): string[] {
  const using = statements(f, 'using_statement').map((n) => stringValue(kids(n)[0] ?? n));
  const assigned = statements(f, 'variable_declaration').map(nameOf);
  const declared = params(main);
  return [
    ...(using.length === 1 && using[0] === './main.bicep'
      ? []
      : [`${f.file}: must start with using './main.bicep'`]),
    ...assigned
      .filter((a) => !declared.some((d) => d.name === a))
      .map((a) => `${f.file}: ${a} is not a param of main.bicep`),
    ...declared
      .filter((d) => d.required && !assigned.includes(d.name))
      .map((d) => `${f.file}: required ${d.name} is not set`),
  ];
}

interface ContractSetting {
  names: string[];
  localDefault: string;
  localOnly: boolean;
}

/** The Settings table of docs/contracts.md: `NAME` or `NAME` / `NAME__x` in the first column. */
function contractSettings(markdown: string): ContractSetting[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Settings')) ?? '';
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const [first = '', localDefault = ''] = line
        .split('|')
        .slice(1)
        .map((c) => c.trim());
      const names = [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
      return { names, localDefault, localOnly: /local only/i.test(line) };
    });
}

/**
 * Every setting the code reads must be set in Azure. A connection (a `__` form in the contract, or a
 * connection string / Azurite default locally) must be set in its identity form `Name__property`, and
 * never as the plain name, which would be a connection string.
 */
function settingProblems(contract: ContractSetting[], appSettings: string[]): string[] {
  return contract
    .filter((s) => !s.localOnly)
    .flatMap((s) => {
      const plain = s.names.filter((n) => !n.includes('__'));
      const isConnection =
        s.names.some((n) => n.includes('__')) || /connection string|azurite/i.test(s.localDefault);
      if (!isConnection)
        return plain
          .filter((n) => !appSettings.includes(n))
          .map((n) => `${n} is not set in the app settings`);
      const base = plain[0] ?? s.names[0]?.split('__')[0] ?? '';
      const problems: string[] = [];
      if (!appSettings.some((k) => k.startsWith(`${base}__`)))
        problems.push(`${base} has no identity-based ${base}__* setting`);
      if (appSettings.includes(base))
        problems.push(`${base} is set as a connection string; use ${base}__* with the identity`);
      return problems;
    });
}

/** The object the `appsettings` config resource sets (following one var reference). */
function appSettings(f: BicepFile): { [key: string]: Value } {
  const config = resources(f).find(
    (r) => r.type.startsWith('Microsoft.Web/sites/config@') && at(r.body, 'name') === 'appsettings',
  );
  let props = at(config?.body, 'properties');
  if (isExpr(props)) props = variable(f, props.$expr.trim());
  if (typeof props !== 'object' || props === null || Array.isArray(props) || isExpr(props)) return {};
  return props;
}

const appSettingKeys = (f: BicepFile): string[] => Object.keys(appSettings(f));

/** The text without comments, so a comment explaining why keys are not used does not count as a use. */
function codeOnly(f: BicepFile): string {
  let text = f.text;
  for (const c of f.root.descendantsOfType('comment')) {
    if (c)
      text = text.slice(0, c.startIndex) + ' '.repeat(c.endIndex - c.startIndex) + text.slice(c.endIndex);
  }
  return text;
}

const FORBIDDEN: [RegExp, string][] = [
  [/\blist(Keys|AccountSas|ServiceSas|ConnectionStrings)\s*\(/i, 'reads keys (list* function)'],
  [/connectionString/, 'uses a connectionString'],
  [/AccountKey=|SharedAccessKey|primaryMasterKey|primaryKey/i, 'embeds an account key'],
  [/WEBSITE_CONTENTAZUREFILECONNECTIONSTRING/i, 'uses an Azure Files content share (key-based)'],
];

function secretFindings(f: BicepFile): string[] {
  const text = codeOnly(f);
  return FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, why]) => `${f.file} ${why}`);
}

// ---------------------------------------------------------------------------------------------------

const files = allBicepFiles();
const load = (relative: string): BicepFile | undefined =>
  fs.existsSync(path.join(bicepDir, relative)) ? read(path.normalize(relative)) : undefined;
const mustRead = (relative: string): BicepFile => {
  const f = load(relative);
  if (!f) throw new Error(`${relative} is missing`);
  return f;
};
const contracts = fs.readFileSync(path.join(root, 'docs/contracts.md'), 'utf8');

describe('Bicep syntax (tree-sitter-bicep)', () => {
  it('finds the template, its modules and both parameter files', () => {
    expect(files).toEqual(
      expect.arrayContaining(['main.bicep', 'main.dev.bicepparam', 'main.prod.bicepparam']),
    );
    expect(files.filter((f) => f.startsWith('modules/')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s parses without ERROR or MISSING nodes', (file) => {
    expect(syntaxErrors(read(file))).toEqual([]);
  });

  it('reports a missing closing brace with its position', () => {
    const broken = mustRead('modules/keyVault.bicep').text.replace(/\n}\n/, '\n\n');
    expect(syntaxErrors(parse(broken, 'broken.bicep')).join('\n')).toMatch(
      /broken\.bicep:\d+:\d+ (missing|syntax error)/,
    );
  });
});

describe('modules and parameter files', () => {
  it('every module call names an existing file, its declared params and its outputs', () => {
    const callers = files.filter((f) => f.endsWith('.bicep') && modules(read(f)).length > 0);
    expect(callers).toContain('main.bicep');
    expect(callers.flatMap((f) => moduleProblems(read(f), load))).toEqual([]);
  });

  it.each(files)('%s refers only to declared symbols and known functions', (file) => {
    expect(referenceProblems(read(file))).toEqual([]);
  });

  it('reports a misspelt symbol and a misspelt function with their lines', () => {
    const text = 'param name string\nvar a = toLowr(name)\nvar b = nme\nvar c = [for x in range(0, 2): x]\n';
    expect(referenceProblems(parse(text, 'typo.bicep'))).toEqual([
      'typo.bicep:2 unknown function toLowr()',
      'typo.bicep:3 undefined symbol nme',
    ]);
  });

  it('reports a module parameter the module does not declare', () => {
    const broken = parse(
      mustRead('main.bicep').text.replace('purgeProtection: isProd', 'purgeProtect: isProd'),
      'main.bicep',
    );
    expect(moduleProblems(broken, load)).toEqual(
      expect.arrayContaining([
        'main.bicep: module keyVault passes purgeProtect, which modules/keyVault.bicep does not declare',
        'main.bicep: module keyVault does not pass required purgeProtection of modules/keyVault.bicep',
      ]),
    );
  });

  it('reports a module path that does not exist', () => {
    const broken = parse(
      mustRead('main.bicep').text.replace("'modules/cosmos.bicep'", "'modules/cosmosdb.bicep'"),
      'main.bicep',
    );
    expect(moduleProblems(broken, load)).toContain(
      'main.bicep: module cosmos refers to modules/cosmosdb.bicep, which does not exist',
    );
  });

  it.each(files.filter((f) => f.endsWith('.bicepparam')))(
    '%s uses main.bicep and sets every required param',
    (file) => {
      expect(paramFileProblems(read(file), mustRead('main.bicep'))).toEqual([]);
    },
  );

  it('reports a parameters file that misses a required param or sets an unknown one', () => {
    const text = mustRead('main.dev.bicepparam').text.replace(/^param authClientId =/m, 'param authClient =');
    expect(paramFileProblems(parse(text, 'x.bicepparam'), mustRead('main.bicep'))).toEqual([
      'x.bicepparam: authClient is not a param of main.bicep',
      'x.bicepparam: required authClientId is not set',
    ]);
  });

  it('main.parameters.json (azd sandboxes) sets every required param and only declared ones', () => {
    const json = JSON.parse(fs.readFileSync(path.join(bicepDir, 'main.parameters.json'), 'utf8')) as {
      parameters: object;
    };
    const given = Object.keys(json.parameters);
    const declared = params(mustRead('main.bicep'));
    expect(given.filter((g) => !declared.some((d) => d.name === g))).toEqual([]);
    expect(declared.filter((d) => d.required && !given.includes(d.name)).map((d) => d.name)).toEqual([]);
  });
});

describe('app settings against docs/contracts.md', () => {
  const settings = () => appSettingKeys(mustRead('modules/functionApp.bicep'));

  it('reads the Settings table of the contract', () => {
    const contract = contractSettings(contracts);
    expect(contract.length).toBeGreaterThanOrEqual(25);
    expect(contract.find((s) => s.names.includes('COSMOS_KEY'))?.localOnly).toBe(true);
    expect(contract.find((s) => s.names.includes('ServiceBusConnection'))?.names).toContain(
      'ServiceBusConnection__fullyQualifiedNamespace',
    );
  });

  it('sets every setting the code reads, connections in identity form', () => {
    expect(settings()).toContain('CAMPAIGN_ID');
    expect(settingProblems(contractSettings(contracts), settings())).toEqual([]);
  });

  it('sets every %SETTING% and connection that a binding in host.json or src/ names', () => {
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return sources(full);
        return e.name.endsWith('.ts') ? [fs.readFileSync(full, 'utf8')] : [];
      });
    const text = [
      fs.readFileSync(path.join(root, 'host.json'), 'utf8'),
      ...sources(path.join(root, 'src')),
    ].join('\n');
    const expressions = [...new Set([...text.matchAll(/%([A-Za-z_]\w*)%/g)].map((m) => m[1] ?? ''))];
    const connections = [...new Set([...text.matchAll(/connection:\s*'(\w+)'/g)].map((m) => m[1] ?? ''))];
    expect(expressions).toContain('TASK_HUB_NAME');
    const keys = settings();
    expect(expressions.filter((name) => !keys.includes(name))).toEqual([]);
    expect(connections.filter((name) => !keys.some((k) => k.startsWith(`${name}__`)))).toEqual([]);
  });

  it('does not set the local-only Cosmos key (without it the adapter uses the managed identity)', () => {
    expect(settings()).not.toContain('COSMOS_KEY');
  });

  it('reports a setting removed from the template', () => {
    const text = mustRead('modules/functionApp.bicep').text.replace(/^\s*COSMOS_DATABASE:.*\n/m, '');
    expect(settingProblems(contractSettings(contracts), appSettingKeys(parse(text)))).toEqual([
      'COSMOS_DATABASE is not set in the app settings',
    ]);
  });

  it('reports a connection set as a connection string instead of through the identity', () => {
    const text = mustRead('modules/functionApp.bicep').text.replace(
      'ServiceBusConnection__fullyQualifiedNamespace:',
      'ServiceBusConnection:',
    );
    expect(settingProblems(contractSettings(contracts), appSettingKeys(parse(text)))).toEqual([
      'ServiceBusConnection has no identity-based ServiceBusConnection__* setting',
      'ServiceBusConnection is set as a connection string; use ServiceBusConnection__* with the identity',
    ]);
  });

  it('reads the points-system key from Key Vault, by reference', () => {
    const text = mustRead('modules/functionApp.bicep').text;
    expect(text).toMatch(
      /POINTS_API_KEY: '@Microsoft\.KeyVault\(SecretUri=\$\{settings\.pointsApiKeySecretUri\}\)'/,
    );
  });
});

describe('no keys or connection strings', () => {
  it.each(files)('%s reads no keys and embeds no connection string', (file) => {
    expect(secretFindings(read(file))).toEqual([]);
  });

  it('reports listKeys() and an AccountKey= connection string, but not a comment that mentions them', () => {
    const text = "// never listKeys() here\nvar k = sa.listKeys().keys[0].value\nvar c = 'AccountKey=${k}'\n";
    expect(secretFindings(parse(text, 'keys.bicep'))).toEqual([
      'keys.bicep reads keys (list* function)',
      'keys.bicep embeds an account key',
    ]);
    expect(secretFindings(parse('// listKeys( connectionString AccountKey=\n', 'comment.bicep'))).toEqual([]);
  });

  const localAuthOff: [string, string, Value][] = [
    ['Microsoft.Storage/storageAccounts@', 'properties.allowSharedKeyAccess', false],
    ['Microsoft.DocumentDB/databaseAccounts@', 'properties.disableLocalAuth', true],
    ['Microsoft.ServiceBus/namespaces@', 'properties.disableLocalAuth', true],
    ['Microsoft.Insights/components@', 'properties.DisableLocalAuth', true],
    ['Microsoft.OperationalInsights/workspaces@', 'properties.features.disableLocalAuth', true],
    ['Microsoft.KeyVault/vaults@', 'properties.enableRbacAuthorization', true],
  ];

  it.each(localAuthOff)('every %s resource has %s = %p', (typePrefix, property, expected) => {
    const declared = files
      .flatMap((f) => resources(read(f)))
      .filter((r) => r.type.startsWith(typePrefix) && !r.existing);
    expect(declared.length).toBeGreaterThan(0);
    for (const r of declared)
      expect({ resource: r.symbol, value: at(r.body, property) }).toEqual({
        resource: r.symbol,
        value: expected,
      });
  });
});

describe('least-privilege access for the app identity', () => {
  const access = () => mustRead('modules/access.bicep');

  it('uses the built-in role definition ids', () => {
    // Azure's fixed ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles): a typo grants nothing.
    expect(variable(access(), 'roles')).toEqual({
      storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
      storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
      storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6',
      serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419',
      serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
      serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
      keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
      keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
      monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
    });
    expect(variable(access(), 'cosmosRoles')).toEqual({
      dataReader: '00000000-0000-0000-0000-000000000001',
      dataContributor: '00000000-0000-0000-0000-000000000002',
    });
  });

  it('grants each app role on the narrowest scope', () => {
    expect(grants(access(), 'appPrincipalId').sort()).toEqual(
      [
        'runtimeStorage storageBlobDataOwner',
        'runtimeStorage storageQueueDataContributor',
        'runtimeStorage storageTableDataContributor',
        'feedStorage storageBlobDataOwner',
        'feedStorage storageQueueDataContributor',
        'queue serviceBusDataReceiver',
        'queue serviceBusDataOwner',
        'topic serviceBusDataSender',
        'vault keyVaultSecretsUser',
        'appInsights monitoringMetricsPublisher',
      ].sort(),
    );
    const cosmos = resources(access()).filter((r) =>
      r.type.startsWith('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@'),
    );
    expect(cosmos.map((r) => (at(r.body, 'properties.roleDefinitionId') as string).split('/').pop())).toEqual(
      ['${cosmosRoles.dataContributor}', '${cosmosRoles.dataReader}'],
    );
  });
});

/**
 * Microsoft's permission table for the Service Bus trigger with an identity-based connection: Data
 * Receiver to take messages and Data Owner so the scale controller can read the queue length.
 */
const SERVICE_BUS_TRIGGER_ROLES = ['serviceBusDataReceiver', 'serviceBusDataOwner'];

function serviceBusTriggerProblems(f: BicepFile): string[] {
  const onQueue = resources(f)
    .filter((r) => r.type.startsWith('Microsoft.Authorization/roleAssignments@'))
    .filter((r) => (at(r.body, 'scope') as Expr | undefined)?.$expr === 'queue')
    .filter((r) => (at(r.body, 'properties.principalId') as Expr | undefined)?.$expr === 'appPrincipalId')
    .map((r) => /roles\.(\w+)/.exec((at(r.body, 'properties.roleDefinitionId') as Expr).$expr)?.[1]);
  return SERVICE_BUS_TRIGGER_ROLES.filter((role) => !onQueue.includes(role)).map(
    (role) => `${f.file}: the Service Bus trigger's identity lacks ${role} on the queue`,
  );
}

describe('Service Bus trigger permissions', () => {
  it('grants the trigger identity Data Receiver and Data Owner on its queue, and says why', () => {
    const f = mustRead('modules/access.bicep');
    expect(serviceBusTriggerProblems(f)).toEqual([]);
    expect(f.text).toMatch(/scale controller/);
  });

  it('reports a trigger identity with Data Receiver only (no scaling on backlog)', () => {
    const f = mustRead('modules/access.bicep');
    const receiverOnly = f.text.replace(/resource queueOwnerForScaling[\s\S]*?\n}\n/, '');
    expect(serviceBusTriggerProblems(parse(receiverOnly, 'modules/access.bicep'))).toEqual([
      "modules/access.bicep: the Service Bus trigger's identity lacks serviceBusDataOwner on the queue",
    ]);
  });
});

/** Every storage role the ops group holds must be scoped to a task hub table or container, not an account. */
function opsScopeProblems(f: BicepFile): string[] {
  const taskHubScopes = new Set(
    resources(f)
      .filter((r) => r.existing && /tableServices\/tables@|blobServices\/containers@/.test(r.type))
      .filter((r) => /taskHub(Tables|Containers)/.test(r.node.text))
      .map((r) => r.symbol),
  );
  return resources(f)
    .filter((r) => r.type.startsWith('Microsoft.Authorization/roleAssignments@'))
    .filter((r) => (at(r.body, 'properties.principalId') as Expr | undefined)?.$expr === 'opsPrincipalId')
    .map((r) => ({ symbol: r.symbol, scope: (at(r.body, 'scope') as Expr | undefined)?.$expr ?? '' }))
    .filter(({ scope }) => !taskHubScopes.has(scope.replace(/\[i\]$/, '')))
    .map(
      ({ symbol, scope }) =>
        `${f.file}: ops role ${symbol} is scoped to ${scope}, not a task hub table or container`,
    );
}

describe('ops access to the task hub', () => {
  it('scopes every ops storage role to the task hub tables and containers the runtime account declares', () => {
    const access = mustRead('modules/access.bicep');
    expect(opsScopeProblems(access)).toEqual([]);
    expect(resources(access).filter((r) => /^opsTaskHub/.test(r.symbol)).length).toBe(2);
    const runtime = mustRead('modules/runtimeStorage.bicep');
    expect(variable(runtime, 'taskHubTables')).toEqual(['${taskHubName}Instances', '${taskHubName}History']);
    expect(variable(runtime, 'taskHubContainers')).toEqual([
      '${taskHubName}-leases',
      '${taskHubName}-largemessages',
    ]);
  });

  it('reports an ops role on the whole runtime storage account', () => {
    const access = mustRead('modules/access.bicep');
    const accountWide = access.text.replace('scope: hubTables[i]', 'scope: runtimeStorage');
    expect(opsScopeProblems(parse(accountWide, 'modules/access.bicep'))).toEqual([
      'modules/access.bicep: ops role opsTaskHubTables is scoped to runtimeStorage, not a task hub table or container',
    ]);
  });
});

describe('resources match what the code expects', () => {
  it('declares the Cosmos containers of src/adapters/cosmos/containers.ts with the same keys', () => {
    const declared = variable(mustRead('modules/cosmos.bicep'), 'containers') as { [k: string]: Value }[];
    const fromBicep = declared.map((c) => ({
      id: c.name,
      partitionKey: c.partitionKey,
      uniqueKeys: c.uniqueKeys,
    }));
    const fromCode = CONTAINER_DEFINITIONS.map((c) => ({
      id: c.id,
      partitionKey:
        c.partitionKey && typeof c.partitionKey === 'object' ? c.partitionKey.paths?.[0] : c.partitionKey,
      uniqueKeys: (c.uniqueKeyPolicy?.uniqueKeys ?? []).map((u) => u.paths),
    }));
    expect(fromBicep).toEqual(fromCode);
  });

  it('gives every container an autoscale ceiling Cosmos accepts, in the defaults and in each environment', () => {
    const names = (variable(mustRead('modules/cosmos.bicep'), 'containers') as { name: string }[]).map(
      (c) => c.name,
    );
    const sources: [string, Value | undefined][] = [
      ['main.bicep', paramDefault(mustRead('main.bicep'), 'cosmosMaxThroughput')],
      ...files
        .filter((f) => f.endsWith('.bicepparam'))
        .map((f): [string, Value | undefined] => [f, variable(read(f), 'cosmosMaxThroughput')]),
    ];
    for (const [file, ceilings] of sources) {
      // Autoscale maxima start at 1,000 RU/s and go up in steps of 1,000; a missing key fails the deployment.
      const bad = names.filter((n) => {
        const v = at(ceilings, n);
        return typeof v !== 'number' || v < 1000 || v % 1000 !== 0;
      });
      expect({ file, bad }).toEqual({ file, bad: [] });
    }
  });

  it('configures the queue and topic as the message contract needs', () => {
    const sb = resources(mustRead('modules/serviceBus.bicep'));
    const queue = sb.find((r) => r.type.startsWith('Microsoft.ServiceBus/namespaces/queues@'));
    const topic = sb.find((r) => r.type.startsWith('Microsoft.ServiceBus/namespaces/topics@'));
    expect(variable(mustRead('modules/serviceBus.bicep'), 'queueName')).toBe('card-transactions');
    expect(variable(mustRead('modules/serviceBus.bicep'), 'topicName')).toBe('member-progress');
    expect(at(queue?.body, 'properties')).toMatchObject({
      requiresDuplicateDetection: true,
      maxDeliveryCount: 10,
      deadLetteringOnMessageExpiration: true,
    });
    expect(at(topic?.body, 'properties')).toMatchObject({ requiresDuplicateDetection: true });
  });

  it('requires App Service Authentication except for the health probe and the blob webhook', () => {
    const auth = resources(mustRead('modules/functionApp.bicep')).find(
      (r) => at(r.body, 'name') === 'authsettingsV2',
    );
    expect(at(auth?.body, 'properties.globalValidation')).toEqual({
      requireAuthentication: true,
      unauthenticatedClientAction: 'Return401',
      excludedPaths: ['/api/health', '/runtime/webhooks/blobs'],
    });
    expect(at(auth?.body, 'properties.identityProviders.azureActiveDirectory.enabled')).toBe(true);
  });

  it('runs Node 22 with a system-assigned identity and always-ready instances', () => {
    const site = resources(mustRead('modules/functionApp.bicep')).find((r) =>
      r.type.startsWith('Microsoft.Web/sites@'),
    );
    expect(at(site?.body, 'identity.type')).toBe('SystemAssigned');
    expect(at(site?.body, 'properties.functionAppConfig.runtime')).toEqual({ name: 'node', version: '22' });
    expect(at(site?.body, 'properties.functionAppConfig.deployment.storage.authentication.type')).toBe(
      'SystemAssignedIdentity',
    );
    expect(at(site?.body, 'properties.functionAppConfig.scaleAndConcurrency.alwaysReady')).toBeDefined();
  });

  it('delivers BlobCreated events of warehouse-drops only to the blob extension webhook', () => {
    const f = mustRead('modules/feedEventSubscription.bicep');
    const sub = resources(f).find((r) =>
      r.type.startsWith('Microsoft.EventGrid/systemTopics/eventSubscriptions@'),
    );
    expect(at(sub?.body, 'properties.filter.includedEventTypes')).toEqual(['Microsoft.Storage.BlobCreated']);
    expect(at(sub?.body, 'properties.filter.subjectBeginsWith')).toBe(
      '/blobServices/default/containers/${containerName}/blobs/',
    );
    expect(at(sub?.body, 'properties.destination.properties.endpointUrl')).toMatch(
      /\/runtime\/webhooks\/blobs\?functionName=Host\.Functions\./,
    );
    expect(params(f).find((p) => p.name === 'containerName')).toBeDefined();
    expect(f.text).toMatch(/param containerName string = 'warehouse-drops'/);
  });

  it('explains every alert in docs/operations.md', () => {
    const f = mustRead('modules/alerts.bicep');
    const fromCodes = (variable(f, 'logCodeAlerts') as { code: string }[]).map(
      (a) => `alert-${a.code.toLowerCase().replace(/_/g, '-')}`,
    );
    const named = resources(f)
      .filter((r) => /^Microsoft\.Insights\/(metricAlerts|scheduledQueryRules)@/.test(r.type))
      .map((r) => at(r.body, 'name'))
      .filter((n): n is string => typeof n === 'string' && !n.includes('${'));
    const runbook = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
    expect(named).toContain('alert-dead-letters');
    expect([...fromCodes, ...named].filter((name) => !runbook.includes(`\`${name}\``))).toEqual([]);
  });

  it('alerts on dead letters, a late or rejected feed, stuck rewards and failed orchestrations', () => {
    const f = mustRead('modules/alerts.bicep');
    const codes = (variable(f, 'logCodeAlerts') as { code: string }[]).map((a) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['FEED_LATE', 'REWARD_STUCK', 'FEED_REJECTED']));
    const dlq = resources(f).find((r) => r.symbol === 'deadLetters');
    expect(at(dlq?.body, 'properties.criteria.allOf')).toEqual([
      expect.objectContaining({ metricName: 'DeadletteredMessages', operator: 'GreaterThan', threshold: 0 }),
    ]);
    const failed = resources(f).find((r) => r.symbol === 'orchestrationFailures');
    expect(JSON.stringify(at(failed?.body, 'properties.criteria'))).toContain('prop__state) == \\"Failed\\"');
  });
});

// ---------------------------------------------------------------------------------------------------
// The standalone Durable Functions Monitor (modules/monitor.bicep).

/** The published standalone package, pinned to a version (project template: durablefunctionsmonitor.dotnetisolated). */
const MONITOR_PACKAGE =
  /^https:\/\/www\.nuget\.org\/api\/v2\/package\/DurableFunctionsMonitor\.DotNetIsolated\/\d+\.\d+\.\d+$/;

/**
 * The Monitor is deployed from main.bicep, runs its package where the package runs (Windows Consumption, .NET
 * isolated, from the package URL), requires Entra sign-in on every path and lets in only the ops role.
 */
function monitorProblems(main: BicepFile, monitor: BicepFile): string[] {
  const problems: string[] = [];
  const call = modules(main).find((m) => m.path === 'modules/monitor.bicep');
  if (!call) return ['main.bicep deploys no Durable Functions Monitor (modules/monitor.bicep)'];
  const packageUrl = paramDefault(main, 'monitorPackageUrl');
  if (typeof packageUrl !== 'string' || !MONITOR_PACKAGE.test(packageUrl))
    problems.push(
      `the Monitor package is ${JSON.stringify(packageUrl)}, not a pinned DurableFunctionsMonitor.DotNetIsolated`,
    );
  const role = at(call.body, 'params.appRole') as Expr | undefined;
  if (role?.$expr !== 'monitorAppRole' || paramDefault(main, 'monitorAppRole') !== 'ops')
    problems.push('the Monitor is not limited to the ops app role by default');

  const declared = resources(monitor).filter((r) => !r.existing);
  const plan = declared.find((r) => r.type.startsWith('Microsoft.Web/serverfarms@'));
  const site = declared.find((r) => r.type.startsWith('Microsoft.Web/sites@'));
  const { sku, tier, reserved, kind } = {
    sku: at(plan?.body, 'sku.name'),
    tier: at(plan?.body, 'sku.tier'),
    reserved: at(plan?.body, 'properties.reserved'),
    kind: at(site?.body, 'kind'),
  };
  if (sku !== 'Y1' || tier !== 'Dynamic' || reserved !== false || kind !== 'functionapp')
    problems.push(
      `the Monitor runs on ${String(sku)}/${String(tier)} (reserved ${String(reserved)}, kind ${String(kind)}); its package runs from a package URL on Windows Consumption (Y1, not reserved, kind functionapp)`,
    );
  // azd deploys to the site tagged with a service name; the Monitor runs its own package, not ours.
  if (JSON.stringify(at(site?.body, 'tags') ?? null).includes('azd-service-name'))
    problems.push('the Monitor site is tagged as an azd service');
  if (at(site?.body, 'properties.siteConfig.netFrameworkVersion') !== 'v8.0')
    problems.push('the Monitor site does not run .NET 8 (the package targets net8.0)');

  const settings = appSettings(monitor);
  const expected: [string, Value][] = [
    ['FUNCTIONS_EXTENSION_VERSION', '~4'],
    ['FUNCTIONS_WORKER_RUNTIME', 'dotnet-isolated'],
    ['WEBSITE_RUN_FROM_PACKAGE', { $expr: 'packageUrl' }],
    ['AzureWebJobsStorage__accountName', { $expr: 'runtimeStorageName' }],
    ['DFM_HUB_NAME', { $expr: 'taskHubName' }],
    ['DFM_ALLOWED_APP_ROLES', { $expr: 'appRole' }],
    ['DFM_MODE', 'ReadOnly'],
    ['AzureWebJobsSecretStorageType', 'keyvault'],
  ];
  for (const [key, value] of expected)
    if (JSON.stringify(settings[key]) !== JSON.stringify(value))
      problems.push(`the Monitor's ${key} is ${JSON.stringify(settings[key])}, not ${JSON.stringify(value)}`);
  // A nonce turns the Monitor's own checks off (i_sure_know_what_i_am_doing), and a plain
  // AzureWebJobsStorage would be a connection string with the account key.
  for (const key of ['DFM_NONCE', 'AzureWebJobsStorage', 'DFM_ALLOWED_READ_ONLY_APP_ROLES'])
    if (key in settings) problems.push(`the Monitor sets ${key}`);

  const auth = declared.find((r) => at(r.body, 'name') === 'authsettingsV2');
  if (at(auth?.body, 'properties.platform.enabled') !== true)
    problems.push('App Service Authentication is not on for the Monitor');
  const validation = at(auth?.body, 'properties.globalValidation');
  if (
    at(validation, 'requireAuthentication') !== true ||
    at(validation, 'unauthenticatedClientAction') !== 'RedirectToLoginPage' ||
    at(validation, 'excludedPaths') !== undefined
  )
    problems.push(`the Monitor lets unauthenticated callers through: ${JSON.stringify(validation)}`);
  if (at(auth?.body, 'properties.identityProviders.azureActiveDirectory.enabled') !== true)
    problems.push('the Monitor does not sign in with Entra ID');
  return problems;
}

/**
 * Exactly the roles a read-only Monitor needs: read the task hub's tables and its large messages, its host's
 * lock blobs, its own vault (host keys) and telemetry. Anything on a whole account, or more, is reported.
 */
const MONITOR_ROLES = [
  'hubTables[i] storageTableDataReader',
  'monitorLargeMessages storageBlobDataReader',
  'hosts storageBlobDataContributor',
  'monitorVault keyVaultSecretsOfficer',
  'appInsights monitoringMetricsPublisher',
];

function monitorRoleProblems(access: BicepFile): string[] {
  const accounts = new Set(
    resources(access)
      .filter((r) =>
        /^Microsoft\.(Storage\/storageAccounts|DocumentDB\/databaseAccounts|ServiceBus\/namespaces)@/.test(
          r.type,
        ),
      )
      .map((r) => r.symbol),
  );
  const held = grants(access, 'monitorPrincipalId');
  return [
    ...held
      .filter((g) => accounts.has(g.split(' ')[0] ?? ''))
      .map((g) => `the Monitor's role ${g} is scoped to a whole account`),
    ...held
      .filter((g) => !MONITOR_ROLES.includes(g) && !accounts.has(g.split(' ')[0] ?? ''))
      .map((g) => `the Monitor's role ${g} is more than a read-only Monitor needs`),
    ...MONITOR_ROLES.filter((g) => !held.includes(g)).map((g) => `the Monitor lacks ${g}`),
  ];
}

describe('the standalone Durable Functions Monitor', () => {
  const main = () => mustRead('main.bicep');
  const monitor = () => mustRead('modules/monitor.bicep');
  const access = () => mustRead('modules/access.bicep');

  it('is deployed from its pinned package on Windows Consumption, signs in with Entra and admits only ops', () => {
    expect(monitorProblems(main(), monitor())).toEqual([]);
  });

  it('holds exactly the read roles it needs, on the task hub, never on the account or the host secrets', () => {
    expect(monitorRoleProblems(access())).toEqual([]);
    const runtime = mustRead('modules/runtimeStorage.bicep');
    expect(variable(runtime, 'hostsContainerName')).toBe('azure-webjobs-hosts');
    expect(runtime.text).toMatch(/output taskHubLargeMessagesContainer string = hubContainers\[1\]\.name/);
    expect((variable(runtime, 'taskHubContainers') as string[])[1]).toBe('${taskHubName}-largemessages');
    expect(access().text).not.toMatch(/azure-webjobs-secrets'|deploymentContainer/);
  });

  it('tells ops where it is and what it may do, as the templates set it', () => {
    const runbook = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
    expect(outputs(main())).toContain('MONITOR_URL');
    for (const fact of [
      '`MONITOR_URL`',
      '`DFM_MODE=ReadOnly`',
      '`DFM_ALLOWED_APP_ROLES=ops`',
      '/.auth/login/aad/callback',
    ])
      expect(runbook).toContain(fact);
  });

  it('reports a main.bicep that deploys no Monitor', () => {
    const text = main().text.replace("'modules/monitor.bicep'", "'modules/monitoring.bicep'");
    expect(monitorProblems(parse(text, 'main.bicep'), monitor())).toEqual([
      'main.bicep deploys no Durable Functions Monitor (modules/monitor.bicep)',
    ]);
  });

  it('reports a plan the package does not run on (Flex Consumption, Linux) and an azd service tag', () => {
    const flex = monitor().text.replace(
      "sku: { name: 'Y1', tier: 'Dynamic' }",
      "sku: { name: 'FC1', tier: 'FlexConsumption' }",
    );
    expect(monitorProblems(main(), parse(flex, 'modules/monitor.bicep'))).toEqual([
      'the Monitor runs on FC1/FlexConsumption (reserved false, kind functionapp); its package runs from a package URL on Windows Consumption (Y1, not reserved, kind functionapp)',
    ]);
    const azdService = monitor().text.replace(
      "kind: 'functionapp'\n  identity",
      "kind: 'functionapp'\n  tags: union(tags, { 'azd-service-name': 'api' })\n  identity",
    );
    expect(monitorProblems(main(), parse(azdService, 'modules/monitor.bicep'))).toEqual([
      'the Monitor site is tagged as an azd service',
    ]);
    const linux = monitor().text.replace('properties: { reserved: false }', 'properties: { reserved: true }');
    expect(monitorProblems(main(), parse(linux, 'modules/monitor.bicep'))).toHaveLength(1);
  });

  it('reports sign-in switched off, an anonymous path and a Monitor open to every signed-in user', () => {
    const off = monitor().text.replace('requireAuthentication: true', 'requireAuthentication: false');
    expect(monitorProblems(main(), parse(off, 'modules/monitor.bicep'))).toEqual([
      expect.stringMatching(/^the Monitor lets unauthenticated callers through/),
    ]);
    const anonymous = monitor().text.replace(
      "redirectToProvider: 'azureactivedirectory'",
      "redirectToProvider: 'azureactivedirectory'\n      excludedPaths: ['/api']",
    );
    expect(monitorProblems(main(), parse(anonymous, 'modules/monitor.bicep'))).toHaveLength(1);
    const anyone = monitor().text.replace(/^\s*DFM_ALLOWED_APP_ROLES:.*\n/m, '');
    expect(monitorProblems(main(), parse(anyone, 'modules/monitor.bicep'))).toEqual([
      'the Monitor\'s DFM_ALLOWED_APP_ROLES is undefined, not {"$expr":"appRole"}',
    ]);
    const otherRole = main().text.replace(
      "param monitorAppRole string = 'ops'",
      "param monitorAppRole string = 'enrolment'",
    );
    expect(monitorProblems(parse(otherRole, 'main.bicep'), monitor())).toEqual([
      'the Monitor is not limited to the ops app role by default',
    ]);
  });

  it('reports a Monitor role on the whole runtime account and a role beyond reading', () => {
    const accountWide = access().text.replace('scope: monitorLargeMessages', 'scope: runtimeStorage');
    expect(monitorRoleProblems(parse(accountWide, 'modules/access.bicep'))).toEqual([
      "the Monitor's role runtimeStorage storageBlobDataReader is scoped to a whole account",
      'the Monitor lacks monitorLargeMessages storageBlobDataReader',
    ]);
    const writer = access().text.replace(
      /(resource monitorTaskHubTables[\s\S]*?)roles\.storageTableDataReader\)\n(\s*)scope([\s\S]*?)roles\.storageTableDataReader/,
      '$1roles.storageTableDataContributor)\n$2scope$3roles.storageTableDataContributor',
    );
    expect(monitorRoleProblems(parse(writer, 'modules/access.bicep'))).toEqual([
      "the Monitor's role hubTables[i] storageTableDataContributor is more than a read-only Monitor needs",
      'the Monitor lacks hubTables[i] storageTableDataReader',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Every query the code runs is served by the container's index. The containers index only the paths
// listed (includedPaths), so a filter on a path left out is a scan of the container on Azure (its cost
// grows with the container) and an ORDER BY without its index is refused; the local emulator has no
// indexes, so only this check sees either.

const cosmosDir = path.join(root, 'src/adapters/cosmos');
/** The files that query each container (a file that queries and is not listed fails the first test). */
const QUERY_FILES: Record<string, string[]> = {
  members: ['memberRepository.ts', 'cohortSnapshot.ts'],
  ledger: ['ledgerRepository.ts'],
  rewards: ['rewardRepository.ts'],
  feedRuns: ['feedRunStore.ts'],
  quarantine: ['quarantineRepository.ts'],
  ignoredMessages: ['ignoredMessageCounter.ts'],
  memberStates: ['memberStateRepository.ts'],
};

/** The string literals of a TypeScript source (comments skipped; `+`-joined pieces as one; templates raw). */
function stringLiterals(source: string): string[] {
  const pieces: { text: string; start: number; end: number }[] = [];
  for (let i = 0; i < source.length;) {
    const ch = source[i] as string;
    if (source.startsWith('//', i))
      i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (source.startsWith('/*', i)) i = source.indexOf('*/', i) + 2;
    else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      let depth = 0;
      while (j < source.length && (source[j] !== ch || depth > 0)) {
        if (source[j] === '\\') j += 1;
        else if (ch === '`' && source.startsWith('${', j)) depth += 1;
        else if (ch === '`' && depth > 0 && source[j] === '}') depth -= 1;
        j += 1;
      }
      pieces.push({ text: source.slice(i + 1, j), start: i, end: j + 1 });
      i = j + 1;
    } else i += 1;
  }
  const joined: string[] = [];
  pieces.forEach((p, k) => {
    const previous = pieces[k - 1];
    if (previous && /^\s*\+\s*$/.test(source.slice(previous.end, p.start)))
      joined[joined.length - 1] += p.text;
    else joined.push(p.text);
  });
  return joined;
}

interface QueryNeeds {
  /** Paths filtered on, as `a/b`; arrays searched by ARRAY_CONTAINS as `a/[]`. */
  filtered: string[];
  /** ORDER BY fields in order, with their direction. */
  orderBy: { path: string; order: 'ascending' | 'descending' }[];
}

function needsOf(query: string): QueryNeeds {
  // a query, or the extension of another (`${QUERY} AND c.x = @x`): all of an extension filters
  const filters = query.startsWith('SELECT') ? (query.split(/\bWHERE\b/)[1] ?? '') : query;
  const where = filters.split(/\bORDER BY\b/)[0] ?? '';
  const arrays = [...where.matchAll(/ARRAY_CONTAINS\(c\.([\w.]+)/g)].map((m) => m[1] as string);
  const scalars = [
    ...where.replace(/ARRAY_CONTAINS\(c\.[\w.]+/g, '').matchAll(/\bc\.([A-Za-z_][\w.]*)/g),
  ].map((m) => m[1] as string);
  const orderText = query.split(/\bORDER BY\b/)[1] ?? '';
  const orderBy = [...orderText.matchAll(/c\.([\w.]+)(\s+(ASC|DESC))?/g)].map((m) => ({
    path: (m[1] as string).replace(/\./g, '/'),
    order: m[3] === 'DESC' ? ('descending' as const) : ('ascending' as const),
  }));
  const filtered = [
    ...scalars.map((p) => p.replace(/\./g, '/')),
    ...arrays.map((p) => `${p.replace(/\./g, '/')}/[]`),
  ];
  return { filtered: [...new Set(filtered)], orderBy };
}

/** A literal that is a query, or extends one (`${COUNTS_QUERY} AND c.enrolledOn = @d`). */
const isQuery = (s: string) => /^SELECT\b/.test(s) || /^\$\{\w+\} (AND|WHERE) /.test(s);

/** The queries of each container: the literals that start a query, and the fields of built filters. */
function queriesByContainer(): Record<string, QueryNeeds[]> {
  return Object.fromEntries(
    Object.entries(QUERY_FILES).map(([container, files]) => {
      const needs = files.flatMap((file) => {
        const source = fs.readFileSync(path.join(cosmosDir, file), 'utf8');
        const literal = stringLiterals(source).filter(isQuery).map(needsOf);
        // filters built from field names (quarantineRepository's list): `equal('field', value)`
        const built = [...source.matchAll(/\bequal\('(\w+)'/g)].map((m) => m[1] as string);
        return built.length ? [...literal, { filtered: built, orderBy: [] }] : literal;
      });
      return [container, needs];
    }),
  );
}

function indexProblems(cosmos: BicepFile, queries: Record<string, QueryNeeds[]>): string[] {
  const declared = variable(cosmos, 'containers') as { [k: string]: Value }[];
  const problems: string[] = [];
  for (const [container, needs] of Object.entries(queries)) {
    const c = declared.find((d) => d.name === container);
    if (!c) {
      problems.push(`${container}: not declared`);
      continue;
    }
    const included = c.includedPaths as string[];
    const composites = (c.compositeIndexes as { path: string; order: string }[][]).map((index) =>
      index.map((e) => `${e.path} ${e.order}`).join(', '),
    );
    const covered = (p: string) =>
      included.some(
        (i) => i === `/${p}/?` || i === '/*' || (i.endsWith('/*') && `/${p}/`.startsWith(i.slice(0, -1))),
      );
    for (const { filtered, orderBy } of needs) {
      for (const p of [...filtered, ...orderBy.map((o) => o.path)])
        if (!covered(p)) problems.push(`${container}: /${p} is queried but not indexed`);
      const wanted = orderBy.map((o) => `/${o.path} ${o.order}`).join(', ');
      if (orderBy.length > 1 && !composites.includes(wanted))
        problems.push(`${container}: ORDER BY ${wanted} has no composite index`);
    }
  }
  return [...new Set(problems)];
}

describe('every Cosmos query is served by its container index', () => {
  it('finds the queries of every file that runs one', () => {
    const querying = fs
      .readdirSync(cosmosDir)
      .filter(
        (f) =>
          f.endsWith('.ts') &&
          stringLiterals(fs.readFileSync(path.join(cosmosDir, f), 'utf8')).some((s) => /^SELECT\b/.test(s)),
      );
    expect(querying.sort()).toEqual(Object.values(QUERY_FILES).flat().sort());
    const queries = queriesByContainer();
    expect(queries.members?.length).toBeGreaterThanOrEqual(5);
    expect(queries.members).toContainEqual({
      filtered: ['campaignId', 'startPending', 'decidedAt', 'memberId'],
      orderBy: [{ path: 'memberId', order: 'ascending' }],
    });
    expect(queries.ledger).toContainEqual({ filtered: ['feedDates/[]'], orderBy: [] });
    expect(queries.quarantine).toContainEqual({ filtered: ['source', 'reason', 'memberId'], orderBy: [] });
    expect(queries.memberStates).toContainEqual({ filtered: ['enrolledOn'], orderBy: [] });
  });

  it('indexes every path the code filters or sorts on, with a composite index for each ORDER BY of two fields', () => {
    expect(indexProblems(mustRead('modules/cosmos.bicep'), queriesByContainer())).toEqual([]);
  });

  it('reports a filtered path left out of the index and an ORDER BY without its composite index', () => {
    const text = mustRead('modules/cosmos.bicep')
      .text.replace("'/startPending/?', ", '')
      .replace("[{ path: '/decidedAt', order: 'ascending' }, { path: '/memberId', order: 'ascending' }]", '');
    expect(indexProblems(parse(text, 'modules/cosmos.bicep'), queriesByContainer())).toEqual([
      'members: /startPending is queried but not indexed',
      'rewards: ORDER BY /decidedAt ascending, /memberId ascending has no composite index',
    ]);
  });
});

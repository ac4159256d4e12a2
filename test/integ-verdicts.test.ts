/**
 * integ/clients/verdicts.ts: how a report verdict becomes a connection assertion, and when the assertions are
 * made (an aspect during synth, checked again by a validation after the access model's own).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, CustomResource, Fn, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';
import * as fc from 'fast-check';
import {
  ConnectCheck, NETWORK_FAILURE_WORDS, ReportRoute, SqlClient, assertReportVerdicts, connected, expectationOf, provenByDeploymentRows,
  refused, unknownRows, unreachable,
} from '../integ/clients';
import { SecureDsqlCluster } from '../src';

const route = (r: Partial<ReportRoute>): ReportRoute =>
  ({ via: 'internet', allowed: false, deniedBy: [], unknown: false, unknownLayers: [], reasons: [], ...r });

describe('expectationOf', () => {
  test('allowed: connected; allowed but mapped to no database role: refused', () => {
    expect(expectationOf(route({ allowed: true }))).toBe('connected');
    expect(expectationOf(route({ allowed: true }), false)).toBe('refused');
  });

  test.each(['identity', 'cluster-policy', 'endpoint-policy'])('denied by %s alone: refused', (layer) => {
    expect(expectationOf(route({ deniedBy: [layer] }))).toBe('refused');
  });

  test.each(['security-group', 'network-acl', 'placement'])('denied by %s, alone or with a policy layer: unreachable', (layer) => {
    expect(expectationOf(route({ deniedBy: [layer] }))).toBe('unreachable');
    expect(expectationOf(route({ deniedBy: ['identity', 'cluster-policy', layer] }))).toBe('unreachable');
  });

  test('unknown, or no layer named: no assertion', () => {
    expect(expectationOf(route({ unknown: true, unknownLayers: ['cluster-policy'] }))).toBeUndefined();
    expect(expectationOf(route({}))).toBeUndefined();
  });
});

describe('refused() and unreachable() are complements', () => {
  /** The `$StringLike` pattern of an expectation, compiled as the assertion handler compiles it. */
  const errorPattern = (result: string) => new RegExp(/"\$StringLike":"((?:[^"\\]|\\.)*)"/.exec(result)![1].replace(/\\\\/g, '\\'), 'gm');
  const matches = (re: RegExp, text: string) => {
    re.lastIndex = 0;
    return re.test(text);
  };

  test('every error text matches exactly one', () => {
    const isRefused = errorPattern(refused().result);
    const isUnreachable = errorPattern(unreachable().result);
    const text = fc.oneof(
      fc.string(),
      fc.tuple(fc.string(), fc.constantFrom(...NETWORK_FAILURE_WORDS), fc.string()).map(([a, w, b]) => `${a}${w}${b}`),
      fc.constantFrom('IAM authentication failed for user "admin"', 'Connection terminated due to connection timeout',
        'getaddrinfo ENOTFOUND h.dsql.us-east-1.on.aws', 'line one\nconnect ETIMEDOUT 10.0.0.1:5432'),
    );
    fc.assert(fc.property(text, (t) => {
      const network = NETWORK_FAILURE_WORDS.some((w) => t.includes(w));
      return matches(isUnreachable, t) === network && matches(isRefused, t) === (!network && t.length > 0);
    }));
  });
});

describe('assertReportVerdicts', () => {
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** An app with a cluster, two clients outside any VPC, and the helper on the first; `clients` given to the helper. */
  function build(opts: { sourceIps?: boolean; late?: (app: App, denied: ConnectCheck) => void; omit?: boolean } = {}) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-integ-verdicts-'));
    outdirs.push(outdir);
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Verdicts');
    const cluster = new SecureDsqlCluster(stack, 'Cluster', {
      connectConditions: opts.sourceIps ? { sourceIps: [Fn.join('', [Fn.importValue('NatIp'), '/32'])] } : undefined,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const first = new ConnectCheck(stack, 'First');
    const second = new ConnectCheck(stack, 'Second');
    cluster.grantConnectAdmin(first);
    cluster.grantConnectAdmin(second);
    const integ = new IntegTest(app, 'Test', { testCases: [stack] });
    assertReportVerdicts(integ, { cluster, clients: opts.omit ? [first] : [first, second] });
    opts.late?.(app, second);
    return { app, integ };
  }

  const invokes = (app: App) => {
    const assembly = app.synth();
    const stack = assembly.stacks.find((s) => s.stackName.startsWith('TestDefaultTestDeployAssert'))!;
    return Object.values<any>(stack.template.Resources ?? {})
      .filter((r) => String(r.Type).startsWith('Custom::DeployAssert@SdkCallLambdainvoke'))
      .map((r) => ({ expected: r.Properties.expected, payload: JSON.stringify(r.Properties.parameters.Payload) }));
  };

  test('control: one assertion per decided row, connected for both clients over the internet', () => {
    const { app, integ } = build();
    const made = invokes(app);
    expect(made).toHaveLength(2);
    for (const m of made) expect(m.expected).toBe(connected().result);
    expect(made.map((m) => /reportRow.*?client.*?(Verdicts\/\w+)/.exec(m.payload)![1]).sort()).toEqual(['Verdicts/First', 'Verdicts/Second']);
    expect(unknownRows(integ)).toEqual([]);
  });

  test('an unknown row gets no assertion and is listed', () => {
    const { app, integ } = build({ sourceIps: true });
    expect(invokes(app)).toEqual([]);
    expect(unknownRows(integ)).toEqual(['Verdicts/First via internet', 'Verdicts/Second via internet']);
    const infos = app.synth().getStackByName('Verdicts').messages.filter((m) => m.level === 'info').map((m) => String(m.entry.data));
    expect(infos).toEqual(expect.arrayContaining([expect.stringMatching(/^No assertion for Verdicts\/First via internet: the report says unknown \(cluster-policy\)/)]));
  });

  test('a decided row without its ConnectCheck fails synth, naming the client', () => {
    const { app } = build({ omit: true });
    expect(() => app.synth()).toThrow(/the report decides Verdicts\/Second via internet \(connected\), but no ConnectCheck is at Verdicts\/Second/);
  });

  test('a verdict changed after the assertions were made fails synth', () => {
    // An aspect on the stack runs after the helper's aspect on the App, and denies the second client.
    const late = (_app: App, denied: ConnectCheck) => Aspects.of(Stack.of(denied)).add(new class implements IAspect {
      private done = false;
      public visit(node: IConstruct) {
        if (this.done || node !== Stack.of(denied)) return;
        this.done = true;
        denied.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['dsql:DbConnectAdmin'], resources: ['*'] }));
      }
    }());
    const { app } = build({ late });
    expect(() => app.synth()).toThrow(/the report's verdict for Verdicts\/Second via internet changed after the assertions were made \(connected → refused\)/);
  });
});

describe('assertReportVerdicts: a SqlClient as a client, and functions proven by the deployment', () => {
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  interface Options {
    /** Setup's own identity policy denies the connection. */
    readonly setupDenied?: boolean;
    /** No custom resource provider runs Setup. */
    readonly noProvider?: boolean;
    /** Setup is not granted a connection (no client of the report). */
    readonly setupNotAClient?: boolean;
    /** Where Setup is given to the helper. */
    readonly setupIn?: 'provenByDeployment' | 'clients' | 'both' | 'nowhere';
  }

  /** An app with a cluster, a SqlClient running `query` and one running `setup` (the onEvent handler of a Provider). */
  function build(opts: Options = {}) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-dsql-integ-verdicts-'));
    outdirs.push(outdir);
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Verdicts');
    const cluster = new SecureDsqlCluster(stack, 'Cluster', { deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    const query = new SqlClient(stack, 'Query', 'query');
    cluster.grantConnectAdmin(query);
    const setup = new SqlClient(stack, 'Setup', 'setup');
    if (!opts.setupNotAClient) cluster.grantConnectAdmin(setup);
    if (opts.setupDenied) setup.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['dsql:DbConnectAdmin'], resources: ['*'] }));
    if (!opts.noProvider) new CustomResource(stack, 'Setup-Resource', { serviceToken: new cr.Provider(stack, 'Provider', { onEventHandler: setup }).serviceToken });
    const integ = new IntegTest(app, 'Test', { testCases: [stack] });
    const where = opts.setupIn ?? 'provenByDeployment';
    assertReportVerdicts(integ, {
      cluster,
      clients: where === 'clients' || where === 'both' ? [query, setup] : [query],
      provenByDeployment: where === 'provenByDeployment' || where === 'both' ? [setup] : undefined,
    });
    return { app, integ };
  }

  const invokes = (app: App) => {
    const stack = app.synth().stacks.find((s) => s.stackName.startsWith('TestDefaultTestDeployAssert'))!;
    return Object.values<any>(stack.template.Resources ?? {})
      .filter((r) => String(r.Type).startsWith('Custom::DeployAssert@SdkCallLambdainvoke'))
      .map((r) => ({ expected: r.Properties.expected, payload: JSON.stringify(r.Properties.parameters.Payload) }));
  };

  test('control: the query client gets its derived assertion; the set-up function none, and it is listed', () => {
    const { app, integ } = build();
    const made = invokes(app);
    expect(made).toHaveLength(1);
    expect(made[0].expected).toBe(connected().result);
    expect(made[0].payload).toMatch(/reportRow.*?client.*?Verdicts\/Query\W/);
    expect(made[0].payload).not.toMatch(/sql/);
    expect(provenByDeploymentRows(integ)).toEqual(['Verdicts/Setup via internet']);
    expect(unknownRows(integ)).toEqual([]);
    const infos = app.synth().getStackByName('Verdicts').messages.filter((m) => m.level === 'info').map((m) => String(m.entry.data));
    expect(infos).toEqual(expect.arrayContaining([expect.stringMatching(/^No assertion for Verdicts\/Setup via internet: proven by the deployment/)]));
  });

  test('a row the report denies for a function proven by the deployment fails synth', () => {
    const { app } = build({ setupDenied: true });
    expect(() => app.synth()).toThrow(/the report denies Verdicts\/Setup via internet \(identity\), but Verdicts\/Setup is in `provenByDeployment`/);
  });

  test('a function no custom resource provider runs cannot be proven by the deployment', () => {
    const { app } = build({ noProvider: true });
    expect(() => app.synth()).toThrow(/Verdicts\/Setup is the onEvent handler of no cr.Provider in the app/);
  });

  test('a function proven by the deployment must be a client of the report, and not also in clients', () => {
    expect(() => build({ setupNotAClient: true }).app.synth()).toThrow(/Verdicts\/Setup is no client of Verdicts\/Cluster in the report/);
    expect(() => build({ setupIn: 'both' }).app.synth()).toThrow(/Verdicts\/Setup is in both `clients` and `provenByDeployment`/);
  });

  test('a client that does not answer the ConnectCheck event fails synth, and so does a decided row nobody proves', () => {
    expect(() => build({ setupIn: 'clients' }).app.synth()).toThrow(/Verdicts\/Setup is in `clients` but does not answer the ConnectCheck event/);
    expect(() => build({ setupIn: 'nowhere' }).app.synth()).toThrow(/the report decides Verdicts\/Setup via internet \(connected\), but no ConnectCheck is at Verdicts\/Setup/);
  });
});

/**
 * The integ assertions, proven offline against what AWS returns.
 *
 * Every assertion is read from the committed snapshots (integ/*.snapshot/: each `Custom::DeployAssert@…`
 * resource with an `expected` pattern), its properties resolved as CloudFormation would send them, and run
 * through integ-tests-alpha's published assertion handler (lambda-handler.bundle, the very code the snapshots
 * deploy) exactly as the custom resource or its waiter state machine calls it. The handler makes its SDK call
 * with the real @aws-sdk clients; only their transport is replaced by a model of the account after a
 * correct deployment:
 * - Lambda `Invoke` runs the integ client (integ/clients/connect-check.ts) on the event the assertion sends,
 *   with `pg` replaced by a server that accepts or refuses the connection as the test intends, and answers
 *   like the Invoke API: HTTP 200 with the function's JSON result as the body (`Payload` bytes);
 * - DSQL `GetCluster` / `GetClusterPolicy` answer with the cluster the stack under test defines
 *   (restJson1 bodies, shaped by @aws-sdk/client-dsql's model types);
 * - CloudTrail `GetTrailStatus` answers with the trail the stack under test defines. @aws-sdk/client-cloudtrail
 *   is not a dependency of the project, so this one client is modelled at the `send(command)` level (a
 *   virtual module with the client and command the handler looks up by name), not at the transport.
 * Each assertion must pass; every literal of its pattern, mutated, must fail; for the assertions that wait,
 * the state before the account settles must fail and the retry must be bounded.
 */
import * as fs from 'fs';
import type { GetClusterOutput, GetClusterPolicyOutput } from '@aws-sdk/client-dsql';
import { assertionsOf, loadSnapshots, Snapshot, SnapshotAssertion } from './support/integ-snapshots';
import { decodeParameter } from './support/report-assertions';
import { handler as connectCheck } from '../integ/clients/connect-check';
import { unreachable } from '../integ/clients/outcomes';
import { query as sqlQuery, setup as sqlSetup } from '../integ/clients/sql';

// ---------------------------------------------------------------------------------------------------
// Doubles: the SDK clients' transport, the PostgreSQL client and the token signer of the integ client.
// ---------------------------------------------------------------------------------------------------

/** The real SDK package, with its client's transport, credentials and region replaced (no network, no credentials). */
function mockSdkPackage(pkg: string, clientName: string): any {
  const actual = jest.requireActual(pkg);
  class OfflineClient extends actual[clientName] {
    constructor(config: any) {
      super({
        ...config,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAOFFLINEEXAMPLE', secretAccessKey: 'offline' },
        requestHandler: { handle: (request: any) => mockAccount.handle(request) },
      });
    }
  }
  // The handler takes the first export whose name ends in "Client" (after `__Client`): keep the key order.
  return { ...actual, [clientName]: OfflineClient };
}
jest.mock('@aws-sdk/client-lambda', () => mockSdkPackage('@aws-sdk/client-lambda', 'LambdaClient'));
jest.mock('@aws-sdk/client-dsql', () => mockSdkPackage('@aws-sdk/client-dsql', 'DSQLClient'));
jest.mock('@aws-sdk/client-cloudtrail', () => {
  class CloudTrailClient {
    constructor(_config: any) {}
    async send(command: { readonly operation: string; readonly input: any }) {
      return mockAccount.cloudTrail(command.operation, command.input);
    }
  }
  class GetTrailStatusCommand {
    public readonly operation = 'GetTrailStatus';
    constructor(public readonly input: any) {}
  }
  return { CloudTrailClient, GetTrailStatusCommand };
}, { virtual: true });

jest.mock('pg', () => {
  const server: { connect?: (config: any) => Promise<void>; sessions: any[] } = { sessions: [] };
  class Client {
    constructor(private readonly config: any) {}
    async connect() {
      server.sessions.push(this.config);
      if (!server.connect) throw new Error('no database server modelled for this call');
      await server.connect(this.config);
    }
    async query(sql: string) {
      // The statements the integ clients run: connect-check's probe, and the query client's read of shop.products.
      if (sql === 'SELECT id FROM shop.products') return { rows: [] };
      if (sql !== 'SELECT 1 AS value') throw new Error(`unexpected query ${sql}`);
      return { rows: [{ value: 1 }] };
    }
    async end() {}
  }
  return { Client, mockServer: server };
});
const pgServer: { connect?: (config: any) => Promise<void>; sessions: any[] } = jest.requireMock('pg').mockServer;

jest.mock('@aws-sdk/dsql-signer', () => ({
  DsqlSigner: class {
    constructor(private readonly options: any) {}
    async getDbConnectAdminAuthToken() { return `${this.options.hostname}/?Action=DbConnectAdmin&X-Amz-Signature=offline`; }
    async getDbConnectAuthToken() { return `${this.options.hostname}/?Action=DbConnect&X-Amz-Signature=offline`; }
  },
}));

// ---------------------------------------------------------------------------------------------------
// What each test intends. A new client function in an integ test must be declared here.
// ---------------------------------------------------------------------------------------------------

type Outcome = 'connects' | 'refused' | 'unreachable';

const PL = 'SecureDsqlPrivateLink';
const AV = 'SecureDsqlAccessVerdicts';
const AV_ENDPOINT = `${AV}/Cluster/Private`;
const NO_ROUTE = 'isolated subnets: no route to the public endpoint';

/**
 * By construct path of the client Lambda, and ` via <route>` for an assertion derived from the access report
 * (its event names the route): what a correct deployment does with its connection. Written by hand, from the
 * integ tests' own descriptions: a second opinion next to the report's verdicts.
 */
const INTENDED: Record<string, { readonly outcome: Outcome; readonly why: string }> = {
  [`${PL}/Allowed via ${PL}/Cluster/Private`]: { outcome: 'connects', why: 'admitted by the security group and the endpoint policy' },
  [`${PL}/NotListed via ${PL}/Cluster/Private`]: { outcome: 'refused', why: 'admitted by the security group, not by the endpoint policy' },
  [`${PL}/Allowed via internet`]: { outcome: 'unreachable', why: NO_ROUTE },
  [`${PL}/NotListed via internet`]: { outcome: 'unreachable', why: NO_ROUTE },
  'SecureDsqlTrustedIps/BehindNat': { outcome: 'connects', why: 'its traffic leaves through the trusted NAT address' },
  'SecureDsqlTrustedIps/Elsewhere': { outcome: 'refused', why: 'another AWS address, not in sourceIps' },
  'SecureDsqlDatabaseRole/Client via internet': { outcome: 'connects', why: 'its IAM role is mapped to app_reader' },
  'SecureDsqlDatabaseRole/Unmapped via internet': { outcome: 'refused', why: 'allowed dsql:DbConnect, but not mapped to app_reader' },
  'SecureDsqlDatabaseRole/LegacyClient via internet': { outcome: 'connects', why: 'its IAM role is mapped to app_legacy, adopted and given LOGIN' },
  'SecureDsqlDatabaseRole/ShopClient via internet': { outcome: 'connects', why: 'its IAM role is mapped to shop_reader' },
  // A database check (not a connection verdict): shop_reader reads shop.products.
  'SecureDsqlDatabaseRole/ShopClient': { outcome: 'connects', why: 'mapped to shop_reader, granted SELECT on the tables of shop, which shop_owner owns' },
  [`${AV}/Allowed via ${AV_ENDPOINT}`]: { outcome: 'connects', why: 'every layer admits it' },
  [`${AV}/NotListed via ${AV_ENDPOINT}`]: { outcome: 'refused', why: 'not in the endpoint policy' },
  [`${AV}/IdentityDenied via ${AV_ENDPOINT}`]: { outcome: 'refused', why: 'its own identity policy denies the action' },
  [`${AV}/NotInClusterPolicy via ${AV_ENDPOINT}`]: { outcome: 'refused', why: 'not in the cluster policy\'s principalArns' },
  [`${AV}/NoSecurityGroup via ${AV_ENDPOINT}`]: { outcome: 'unreachable', why: 'the endpoint\'s security group does not admit it' },
  [`${AV}/OtherSubnet via ${AV_ENDPOINT}`]: { outcome: 'unreachable', why: 'the endpoint subnets\' network ACL drops its subnet' },
  [`${AV}/Outside via ${AV_ENDPOINT}`]: { outcome: 'unreachable', why: 'outside any VPC: the endpoint is not reachable' },
  [`${AV}/Outside via internet`]: { outcome: 'refused', why: 'the cluster policy blocks public access' },
  ...Object.fromEntries(['Allowed', 'NotListed', 'IdentityDenied', 'NotInClusterPolicy', 'NoSecurityGroup', 'OtherSubnet']
    .map((c) => [`${AV}/${c} via internet`, { outcome: 'unreachable' as Outcome, why: NO_ROUTE }])),
};

/**
 * The refusal text a client gets: Aurora DSQL's authentication error
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/troubleshooting.html, "Troubleshooting authentication
 * errors"). The integ assertions do not pin it.
 */
const refusal = (user: string) => `IAM authentication failed for user "${user}"`;
/** What pg reports when nothing answers within connectionTimeoutMillis. */
const TIMEOUT = 'Connection terminated due to connection timeout';

// ---------------------------------------------------------------------------------------------------
// The account after a deployment of a snapshot.
// ---------------------------------------------------------------------------------------------------

/**
 * `settled`: the state a correct deployment reaches. `settling`: the moments before (resource policies and
 * new IAM roles not yet in effect, so every connection comes out the other way, and a network rule not yet in
 * place lets a connection through; the cluster still CREATING). `unreachable`: the network drops every
 * connection (what a wrong security group or route does). `refusing`: every connection reaches a server that
 * refuses it (what a network layer that admits too much, with a policy that refuses, does).
 */
type Phase = 'settled' | 'settling' | 'unreachable' | 'refusing';

/** What a connection does in a phase, given what a correct deployment does with it. */
function outcomeIn(phase: Phase, intended: Outcome): Outcome {
  switch (phase) {
    case 'settled': return intended;
    case 'settling': return intended === 'connects' ? 'refused' : 'connects';
    case 'unreachable': return 'unreachable';
    case 'refusing': return 'refused';
  }
}

interface HttpResponseLike {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

class ModelledAccount {
  public snapshot?: Snapshot;
  public phase: Phase = 'settled';
  /** Every API call the handler made: `Service.Operation target`. */
  public readonly calls: string[] = [];

  public async handle(request: any): Promise<{ response: any }> {
    const res = await this.route(request);
    const { Readable } = jest.requireActual('stream');
    return { response: { statusCode: res.statusCode, headers: res.headers, body: Readable.from([res.body]) } };
  }

  private async route(request: any): Promise<HttpResponseLike> {
    const snapshot = this.snapshot;
    if (!snapshot) throw new Error('no snapshot deployed');
    const host: string = request.hostname;
    const path = decodeURIComponent(request.path);
    let m: RegExpExecArray | null;
    if (host.startsWith('lambda.') && (m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path))) {
      this.calls.push(`Lambda.Invoke ${m[1]}`);
      return this.invoke(snapshot, m[1], bodyText(request.body));
    }
    if (host.startsWith('dsql.') && request.method === 'GET' && (m = /^\/cluster\/([^/]+)(\/policy)?$/.exec(path))) {
      this.calls.push(`DSQL.${m[2] ? 'GetClusterPolicy' : 'GetCluster'} ${m[1]}`);
      return m[2] ? this.getClusterPolicy(snapshot, m[1]) : this.getCluster(snapshot, m[1]);
    }
    throw new Error(`no offline model of ${request.method} https://${host}${path}: model it in test/integ-assertions.test.ts`);
  }

  /** CloudTrail, at the client level (see the header): GetTrailStatus of a trail the stack under test defines. */
  public async cloudTrail(operation: string, input: any): Promise<any> {
    const snapshot = this.snapshot;
    if (!snapshot) throw new Error('no snapshot deployed');
    this.calls.push(`CloudTrail.${operation} ${input?.Name}`);
    if (operation !== 'GetTrailStatus') throw new Error(`no offline model of CloudTrail ${operation}: model it in test/integ-assertions.test.ts`);
    const trail = snapshot.testResources('AWS::CloudTrail::Trail').find((t) => {
      const name = t.properties.TrailName;
      const arn = snapshot.resolved[t.stack].resolve({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':trail/', name]],
      });
      return input?.Name === name || input?.Name === arn;
    });
    if (!trail) {
      const error = new Error(`Unknown trail: ${input?.Name}`);
      error.name = 'TrailNotFoundException';
      throw error;
    }
    return { $metadata: {}, IsLogging: trail.properties.IsLogging === true };
  }

  /** Lambda Invoke (RequestResponse): the function's result, JSON-serialized by the runtime, is the body. */
  private async invoke(snapshot: Snapshot, functionName: string, payload: string): Promise<HttpResponseLike> {
    const fn = snapshot.testResources('AWS::Lambda::Function')
      .find((f) => snapshot.resolved[f.stack].ref(f.logicalId) === functionName);
    if (!fn) return awsError(404, 'ResourceNotFoundException', `Function not found: ${functionName}`);
    const intended = this.intent(snapshot, functionName, payload);
    const outcome = outcomeIn(this.phase, intended.outcome);
    pgServer.connect = async (config) => {
      if (outcome === 'unreachable') throw new Error(TIMEOUT);
      if (outcome === 'refused') throw new Error(refusal(config.user));
    };
    const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    try {
      // The query client (integ/clients/sql.ts `query`) or connect-check, by the function's handler.
      const result = fn.properties.Handler === 'index.query' ? await sqlQuery(JSON.parse(payload)) : await connectCheck(JSON.parse(payload));
      return { statusCode: 200, headers, body: Buffer.from(JSON.stringify(result)) };
    } catch (e) {
      // An unhandled error: still HTTP 200, with the error as the payload.
      const error = { errorType: (e as Error).name, errorMessage: (e as Error).message };
      return { statusCode: 200, headers: { ...headers, 'x-amz-function-error': 'Unhandled' }, body: Buffer.from(JSON.stringify(error)) };
    } finally {
      pgServer.connect = undefined;
    }
  }

  /** The intended outcome of invoking a function of the snapshot with this payload (INTENDED). */
  public intent(snapshot: Snapshot, functionName: string, payload: string): { outcome: Outcome; why: string } {
    const fn = snapshot.testResources('AWS::Lambda::Function')
      .find((f) => snapshot.resolved[f.stack].ref(f.logicalId) === functionName);
    if (!fn) throw new Error(`${snapshot.name}: no function ${functionName}`);
    const constructPath = snapshot.constructPath(fn.stack, fn.logicalId);
    const via: string | undefined = JSON.parse(payload).reportRow?.via;
    const key = via === undefined ? constructPath : `${constructPath} via ${via}`;
    const intended = INTENDED[key];
    if (!intended) throw new Error(`${snapshot.name}: an assertion invokes ${key}, whose intended outcome is not declared in INTENDED`);
    return intended;
  }

  private cluster(snapshot: Snapshot, identifier: string) {
    return snapshot.testResources('AWS::DSQL::Cluster')
      .find((c) => snapshot.resolved[c.stack].getAtt(c.logicalId, 'Identifier') === identifier);
  }

  private getCluster(snapshot: Snapshot, identifier: string): HttpResponseLike {
    const cluster = this.cluster(snapshot, identifier);
    if (!cluster) return awsError(404, 'ResourceNotFoundException', `Cluster not found: ${identifier}`);
    const p = cluster.properties;
    if (typeof p.DeletionProtectionEnabled !== 'boolean') {
      throw new Error(`${snapshot.name}: ${cluster.logicalId} does not set DeletionProtectionEnabled; the model does not guess AWS's default`);
    }
    const output: GetClusterOutput = {
      identifier,
      arn: snapshot.resolved[cluster.stack].getAtt(cluster.logicalId, 'ResourceArn'),
      status: this.phase === 'settling' ? 'CREATING' : 'ACTIVE',
      creationTime: new Date('2026-01-01T00:00:00Z'),
      deletionProtectionEnabled: p.DeletionProtectionEnabled,
      tags: Object.fromEntries((p.Tags ?? []).map((t: any) => [t.Key, t.Value])),
      encryptionDetails: p.KmsEncryptionKey
        ? { encryptionType: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyArn: p.KmsEncryptionKey, encryptionStatus: 'ENABLED' }
        : { encryptionType: 'AWS_OWNED_KMS_KEY', encryptionStatus: 'ENABLED' },
      endpoint: snapshot.resolved[cluster.stack].getAtt(cluster.logicalId, 'Endpoint'),
      multiRegionProperties: this.multiRegionProperties(snapshot, cluster),
    };
    // restJson1 sends timestamps as epoch seconds.
    return json(200, { ...output, creationTime: output.creationTime!.getTime() / 1000 });
  }

  /**
   * The multi-Region properties a correct deployment reports: the template's witness, and, when a
   * Custom::DsqlMultiRegionPeering of the snapshot peers this cluster's Region with the same witness (the
   * peering is done by that resource, not by the cluster's template), both clusters of the pair.
   */
  private multiRegionProperties(snapshot: Snapshot, cluster: { stack: string; logicalId: string; properties: any }) {
    const witnessRegion = cluster.properties.MultiRegionProperties?.WitnessRegion;
    if (witnessRegion === undefined) return undefined;
    const arnOf = (c: { stack: string; logicalId: string }) => snapshot.resolved[c.stack].getAtt(c.logicalId, 'ResourceArn') as string;
    // A peering resource names its clusters by ARN, or by a cross-Region reference to the other stack's cluster.
    const names = (r: { properties: any }, c: { stack: string; logicalId: string }) => (r.properties.ClusterArns as unknown[])
      .some((v) => v === arnOf(c) || (typeof v === 'string' && v.includes(`FnGetAtt${c.logicalId}ResourceArn`)));
    const peering = snapshot.testResources('Custom::DsqlMultiRegionPeering')
      .find((r) => r.properties.WitnessRegion === witnessRegion && names(r, cluster));
    const clusters = peering
      ? snapshot.testResources('AWS::DSQL::Cluster').filter((c) => names(peering, c)).map(arnOf)
      : cluster.properties.MultiRegionProperties?.Clusters ?? [];
    return { witnessRegion, clusters };
  }

  private getClusterPolicy(snapshot: Snapshot, identifier: string): HttpResponseLike {
    const cluster = this.cluster(snapshot, identifier);
    if (!cluster) return awsError(404, 'ResourceNotFoundException', `Cluster not found: ${identifier}`);
    const doc = cluster.properties.PolicyDocument;
    if (doc === undefined) return awsError(404, 'ResourceNotFoundException', `No policy on cluster ${identifier}`);
    const output: GetClusterPolicyOutput = { policy: typeof doc === 'string' ? doc : JSON.stringify(doc), policyVersion: '1' };
    return json(200, output);
  }
}

function json(statusCode: number, body: unknown): HttpResponseLike {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

function awsError(statusCode: number, type: string, message: string): HttpResponseLike {
  return { statusCode, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: Buffer.from(JSON.stringify({ message })) };
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf-8');
  throw new Error(`unexpected request body ${typeof body}`);
}

const mockAccount = new ModelledAccount();

// ---------------------------------------------------------------------------------------------------
// Running the published handler as CloudFormation and the waiter state machine call it.
// ---------------------------------------------------------------------------------------------------

/** integ-tests-alpha's published handler bundle (the snapshots deploy a copy of it: checked below). */
const PUBLISHED_BUNDLE = require.resolve('@aws-cdk/integ-tests-alpha/lib/assertions/providers/lambda-handler.bundle/index.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain JS bundle, loaded by path
const handlerModule: Record<string, (event: any, context: any) => Promise<void>> = require(PUBLISHED_BUNDLE);

const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/offline';
/** The responses the handler sent to CloudFormation (it PUTs them to the ResponseURL over https). */
let cfnResponses: any[] = [];
/** What the handler logged during the current attempt. */
let handlerLog: string[] = [];

beforeAll(() => {
  // The module object itself (an `import * as` binding is a frozen copy): the bundle reads `request` from it.
  const https = jest.requireActual<typeof import('https')>('https');
  jest.spyOn(https, 'request').mockImplementation(((options: any, callback: (res: any) => void) => {
    if (options.hostname !== new URL(RESPONSE_URL).hostname) throw new Error(`unexpected request to ${options.hostname}`);
    const chunks: string[] = [];
    const req: any = {
      on: () => req,
      write: (chunk: string) => { chunks.push(chunk); },
      end: () => { cfnResponses.push(JSON.parse(chunks.join(''))); callback({ statusCode: 200 }); },
    };
    return req;
  }) as any);
  // The handler logs every event and response; keep the lines, for the mismatch of a failed isComplete.
  for (const level of ['log', 'info', 'error'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { handlerLog.push(args.map(String).join(' ')); });
  }
});

afterAll(() => jest.restoreAllMocks());

interface Verdict {
  readonly passed: boolean;
  /** The mismatch the handler reports, or the reason of a failure. */
  readonly message: string;
}

/**
 * One attempt, as deployed: the custom resource's Create event goes to `handler`; for an assertion that waits,
 * the state machine calls `isComplete` with the same event, and retries while it throws.
 */
async function attempt(a: SnapshotAssertion, phase: Phase, properties: Record<string, any> = a.properties): Promise<Verdict> {
  mockAccount.snapshot = a.snapshot;
  mockAccount.phase = phase;
  cfnResponses = [];
  handlerLog = [];
  const event = {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:assertion-provider',
    ResponseURL: RESPONSE_URL,
    StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${a.stackName}/offline`,
    RequestId: 'offline-request',
    LogicalResourceId: a.logicalId,
    ResourceType: a.resourceType,
    ResourceProperties: properties,
  };
  const context = { getRemainingTimeInMillis: () => 60_000, logStreamName: 'offline' };
  if (a.waiter) {
    try {
      await handlerModule[a.waiter.isCompleteHandler.replace(/^index\./, '')](event, context);
    } catch (e) {
      // isComplete logs the assertion's result before it throws (and the state machine retries).
      const failed = handlerLog.find((l) => l.startsWith('Assertion Failed: '));
      const message = failed ? JSON.parse(JSON.parse(failed.slice('Assertion Failed: '.length)).assertion).message : String((e as Error).message);
      return { passed: false, message: `isComplete threw (the state machine retries): ${message}` };
    }
  } else {
    await handlerModule[a.handler.replace(/^index\./, '')](event, context);
  }
  if (cfnResponses.length !== 1) return { passed: false, message: `${cfnResponses.length} responses to CloudFormation` };
  const [response] = cfnResponses;
  if (response.Status !== 'SUCCESS') return { passed: false, message: `FAILED: ${response.Reason}` };
  // integ-runner reads the `assertion` attribute (the stack's AssertionResults outputs).
  const assertion = JSON.parse(response.Data?.assertion ?? '{"status":"missing"}');
  return { passed: assertion.status === 'success', message: assertion.message ?? assertion.status };
}

/** Every variant of an `expected` pattern with one key renamed or one literal changed (matcher keys kept). */
function mutants(expected: string): Array<{ what: string; expected: string }> {
  const out: Array<{ what: string; expected: string }> = [];
  const root = JSON.parse(expected);
  const visit = (node: any, path: string[], replace: (v: any) => any) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => visit(v, [...path, String(i)], (nv) => replace(node.map((x, j) => (j === i ? nv : x)))));
      return;
    }
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        const rebuild = (nk: string, nv: any) =>
          replace(Object.fromEntries(Object.entries(node).map(([k2, v2]) => (k2 === k ? [nk, nv] : [k2, v2]))));
        if (!k.startsWith('$')) out.push({ what: `key ${[...path, k].join('.')} renamed`, expected: JSON.stringify(rebuild(`${k}~`, v)) });
        visit(v, [...path, k], (nv) => rebuild(k, nv));
      }
      return;
    }
    const changed = typeof node === 'boolean' ? !node : typeof node === 'number' ? node + 1 : `${node}~`;
    out.push({ what: `${path.join('.')} = ${JSON.stringify(node)} changed to ${JSON.stringify(changed)}`, expected: JSON.stringify(replace(changed)) });
  };
  visit(root, [], (v) => v);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------------

const SNAPSHOTS = loadSnapshots();
const ASSERTIONS = SNAPSHOTS.flatMap(assertionsOf);
const isInvoke = (a: SnapshotAssertion) => a.properties.service === 'Lambda' && a.properties.api === 'invoke';

test('every integ test has a snapshot with at least one assertion', () => {
  const tests = fs.readdirSync(`${__dirname}/../integ`).filter((f) => /^integ\..*\.ts$/.test(f));
  expect(SNAPSHOTS.map((s) => s.name).sort()).toEqual(tests.map((f) => `${f}.snapshot`).sort());
  const withoutAssertions = SNAPSHOTS.filter((s) => !ASSERTIONS.some((a) => a.snapshot === s)).map((s) => s.name);
  expect(withoutAssertions).toEqual([]);
});

test('the snapshots deploy the published handler byte for byte', () => {
  const published = fs.readFileSync(PUBLISHED_BUNDLE);
  for (const a of ASSERTIONS) {
    for (const dir of [a.handlerAssetDir, a.waiter?.isCompleteAssetDir].filter((d): d is string => !!d)) {
      expect({ asset: dir, same: fs.readFileSync(`${dir}/index.js`).equals(published) }).toEqual({ asset: dir, same: true });
    }
  }
});

describe.each(ASSERTIONS.map((a) => [a.name, a] as const))('%s', (_name, a) => {
  test('is an SDK-call assertion (the kind this test models)', () => {
    expect(a.resourceType).toMatch(/^Custom::DeployAssert@SdkCall/);
  });

  test('passes against a correct deployment', async () => {
    const verdict = await attempt(a, 'settled');
    expect(verdict).toEqual({ passed: true, message: 'success' });
    expect(mockAccount.calls.length).toBeGreaterThan(0);
  });

  test('fails for every mutated literal or key of its pattern', async () => {
    const all = mutants(a.properties.expected);
    expect(all.length).toBeGreaterThan(0);
    const survivors: string[] = [];
    for (const m of all) {
      const verdict = await attempt(a, 'settled', { ...a.properties, expected: m.expected });
      if (verdict.passed) survivors.push(m.what);
    }
    expect(survivors).toEqual([]);
  });

  if (a.waiter) {
    test('fails before the account settles, passes on a retry, and retries for a bounded time', async () => {
      expect((await attempt(a, 'settling')).passed).toBe(false);
      expect((await attempt(a, 'settled')).passed).toBe(true);
      const { intervalSeconds, maxAttempts, backoffRate } = a.waiter!;
      expect(backoffRate).toBe(1);
      expect(intervalSeconds).toBeGreaterThanOrEqual(5);
      // Long enough for a resource-policy change to apply (about a minute), short enough to fail fast.
      expect(intervalSeconds * maxAttempts).toBeGreaterThanOrEqual(120);
      expect(intervalSeconds * maxAttempts).toBeLessThanOrEqual(300);
    });
  }

  if (isInvoke(a)) {
    test('retries (a connection follows policy changes and new roles)', () => {
      expect(a.waiter).toBeDefined();
    });

    const { FunctionName: functionName, Payload: payload } = a.properties.parameters;
    const intended = () => mockAccount.intent(a.snapshot, decodeParameter(functionName), decodeParameter(payload));

    test('is declared in INTENDED', () => {
      expect(intended().outcome).toMatch(/^(connects|refused|unreachable)$/);
    });

    if (a.properties.expected === unreachable().result) {
      test('expects a network failure: passes when the network drops the connection, fails when a server refuses it', async () => {
        expect(intended().outcome).toBe('unreachable');
        expect(await attempt(a, 'unreachable')).toEqual({ passed: true, message: 'success' });
        expect((await attempt(a, 'refusing')).passed).toBe(false);
      });
    } else {
      test('fails when the network drops the connection (a timeout is no refusal)', async () => {
        expect(intended().outcome).not.toBe('unreachable');
        const verdict = await attempt(a, 'unreachable');
        expect(verdict.passed).toBe(false);
      });
    }
  }
});

describe('the assertions this replaces would fail against a correct deployment', () => {
  const invoke = ASSERTIONS.find((a) => isInvoke(a) && a.properties.expected.includes('"ok":true'));
  const policy = ASSERTIONS.find((a) => a.properties.api === 'GetClusterPolicy');

  test('a Lambda Payload matched as an object (it is a JSON string)', async () => {
    expect(invoke).toBeDefined();
    const verdict = await attempt(invoke!, 'settled', { ...invoke!.properties, expected: JSON.stringify({ $ObjectLike: { Payload: { ok: true, value: 1 } } }) });
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toMatch(/Expected type object but received string/);
  });

  test('assertAtPath("policy") on GetClusterPolicy (the flattened response has no value at `policy`)', async () => {
    expect(policy).toBeDefined();
    const verdict = await attempt(policy!, 'settled', {
      ...policy!.properties,
      expected: JSON.stringify({ $StringLike: 'DenyPublicAccess' }),
      actualPath: 'policy',
      flattenResponse: 'true',
      outputPaths: ['policy'],
    });
    expect(verdict.passed).toBe(false);
  });
});

describe('the model of the integ client', () => {
  test('a refusal reaches the assertion as ok: false with the server\'s error, never the token', async () => {
    pgServer.connect = async (config) => { throw new Error(`${refusal(config.user)} (token ${config.password})`); };
    try {
      const result = await connectCheck({ host: 'h.dsql.us-east-1.on.aws', region: 'us-east-1', user: 'admin' });
      expect(result).toEqual({ ok: false, error: `${refusal('admin')} (token <token>)` });
    } finally {
      pgServer.connect = undefined;
    }
  });

  test('the query client answers the ConnectCheck event as connect-check does (SELECT 1), and runs `sql` when given', async () => {
    const event = { host: 'h.dsql.us-east-1.on.aws', region: 'us-east-1', user: 'shop_reader' };
    pgServer.connect = async () => undefined;
    try {
      expect(await sqlQuery(event)).toEqual(await connectCheck(event));
      expect(await sqlQuery(event)).toEqual({ ok: true, value: 1 });
      expect(await sqlQuery({ ...event, sql: 'SELECT id FROM shop.products' })).toEqual({ ok: true, rows: 0 });
      pgServer.connect = async (config) => { throw new Error(`${refusal(config.user)} (token ${config.password})`); };
      expect(await sqlQuery(event)).toEqual(await connectCheck(event));
      expect(await sqlQuery(event)).toEqual({ ok: false, error: `${refusal('shop_reader')} (token <token>)` });
    } finally {
      pgServer.connect = undefined;
    }
  });

  test('the set-up client fails the custom resource when it cannot connect, never with the token', async () => {
    pgServer.connect = async (config) => { throw new Error(`${refusal(config.user)} (token ${config.password})`); };
    try {
      const event = { RequestType: 'Create' as const, ResourceProperties: { Host: 'h.dsql.us-east-1.on.aws', Region: 'us-east-1', Statements: ['CREATE ROLE app_legacy'] } };
      await expect(sqlSetup(event)).rejects.toThrow(`connecting as admin: ${refusal('admin')} (token <token>)`);
    } finally {
      pgServer.connect = undefined;
    }
  });

  test('signs for the host it connects to, with TLS verification', async () => {
    pgServer.sessions.length = 0;
    pgServer.connect = async () => undefined;
    try {
      expect(await connectCheck({ host: 'h.dsql.us-east-1.on.aws', region: 'us-east-1', user: 'app_reader' })).toEqual({ ok: true, value: 1 });
    } finally {
      pgServer.connect = undefined;
    }
    expect(pgServer.sessions).toEqual([expect.objectContaining({
      host: 'h.dsql.us-east-1.on.aws',
      port: 5432,
      user: 'app_reader',
      password: 'h.dsql.us-east-1.on.aws/?Action=DbConnect&X-Amz-Signature=offline',
      ssl: { rejectUnauthorized: true, servername: 'h.dsql.us-east-1.on.aws' },
    })]);
  });
});

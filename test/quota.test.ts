/**
 * The policy-size measures of src/private/quota.ts: the cheap upper bound is never below the exact measure
 * (on generated documents with every kind of token), so the quota checks that trust the bound are exactly as
 * strict as the exact measure; and, through the constructs, a policy one character over its quota fails while
 * one at the quota passes, whether the bound or the exact measure decides.
 */
import { App, Aws, CfnResource, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureDsqlCluster } from '../src';
import { DsqlConnectPolicy } from '../src/connect-policy';
import { QUOTAS, fitsQuota, lengthOverQuota, policyLength, policyLengthUpperBound } from '../src/private/quota';
import { DsqlPrivateLinkEndpoint } from '../src/private-link-endpoint';
import { ENV } from './support/iam-eval';

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Literal strings with the characters JSON escapes (quotes, backslashes, control and non-ASCII characters). */
const LITERALS = ['dsql:DbConnect', 'a"quoted"value', 'back\\slash', 'line\nbreak', 'tab\there', 'ünïcødé', '\u2028sep', '😀 emoji', '', 'x'.repeat(300)];

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  /** Values of every kind the measures must handle, each a function so that tokens are fresh. */
  readonly values: Array<() => unknown>;
}

function fixture(): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV, crossRegionReferences: true });
  const producer = new Stack(app, 'Producer', { env: ENV });
  const farAway = new Stack(app, 'FarAway', { env: { account: ENV.account, region: 'eu-west-1' } });
  const local = new CfnResource(stack, 'Local', { type: 'AWS::Test::Thing' });
  const remote = new CfnResource(producer, 'Remote', { type: 'AWS::Test::Thing' });
  const far = new CfnResource(farAway, 'Far', { type: 'AWS::Test::Thing' });
  stack.addDependency(producer);
  stack.addDependency(farAway);
  const values: Array<() => unknown> = [
    ...LITERALS.map((l) => () => l),
    () => 42, () => true, () => false, () => null,
    // References to resources of the measuring stack: always a Ref / Fn::GetAtt there.
    () => local.ref,
    () => local.getAtt('Arn').toString(),
    () => `arn:aws:dsql:us-east-1:123456789012:cluster/${local.ref}`,
    () => `${local.ref}${local.getAtt('Name')}`,
    // References to other stacks: imports (same Region) and SSM dynamic references, plain strings (other Region).
    () => remote.getAtt('Arn').toString(),
    () => far.getAtt('Arn').toString(),
    () => `prefix-${far.ref}`,
    // Other intrinsics and pseudo parameters.
    () => Aws.REGION, () => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`,
    () => Fn.join('-', ['a', local.ref]), () => Fn.select(0, ['a', 'b']), () => Fn.importValue('SomeExport'),
    // Lazies that resolve to literals of any length, to lists, to intrinsics, to nothing.
    () => Lazy.string({ produce: () => 'y'.repeat(250) }),
    () => `${Lazy.string({ produce: () => 'short' })}/${local.ref}`,
    () => Lazy.list({ produce: () => ['arn:aws:iam::123456789012:role/a', 'arn:aws:iam::123456789012:role/b'.repeat(5)] }),
    () => Lazy.list({ produce: () => [local.ref, 'literal'] }),
    () => Lazy.any({ produce: () => undefined }),
    () => Lazy.any({ produce: () => ({ Ref: 'Something' }) }),
    () => Lazy.number({ produce: () => 123456 }),
    () => Lazy.any({ produce: () => ({ nested: ['z'.repeat(120), local.ref] }) }),
    // Literal objects that the exact measure counts as intrinsics (or not, once the undefined key is dropped).
    () => ({ Ref: 'x' }), () => ({ 'Fn::Whatever': 'y'.repeat(200) }), () => ({ Ref: 'x', Other: undefined }),
    () => ({ a: undefined, b: 'kept' }),
  ];
  return { app, stack, values };
}

/** A document of a few statements whose resources and condition values are drawn from `values`. */
function document(next: () => number, values: Array<() => unknown>): iam.PolicyDocument {
  const pick = () => values[Math.floor(next() * values.length)]();
  const pickString = (): string => {
    for (;;) {
      const v = pick();
      if (typeof v === 'string') return v;
    }
  };
  const statements = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => {
    const conditions: Record<string, Record<string, unknown>> = {};
    for (let c = Math.floor(next() * 3); c > 0; c--) {
      const n = Math.floor(next() * 4);
      conditions[`StringEquals${c}`] = { [`aws:PrincipalTag/k${c}`]: n === 0 ? pick() : Array.from({ length: n }, pick) };
    }
    return new iam.PolicyStatement({
      sid: `S${i}`,
      effect: next() < 0.5 ? iam.Effect.ALLOW : iam.Effect.DENY,
      actions: ['dsql:DbConnect'],
      resources: Array.from({ length: 1 + Math.floor(next() * 3) }, pickString),
      conditions,
    });
  });
  return new iam.PolicyDocument({ statements });
}

describe('policyLengthUpperBound', () => {
  test('is never below the exact measure, at construction and at synth (after cross-stack references are replaced)', () => {
    const { app, stack, values } = fixture();
    const next = random(17);
    const documents = Array.from({ length: 300 }, () => document(next, values));
    // Attach every document to a resource of the stack, so that its cross-stack references are replaced at synth.
    documents.forEach((d, i) => new iam.CfnManagedPolicy(stack, `Policy${i}`, { policyDocument: d }));
    const compared: Array<[number, number]> = [];
    const compare = () => documents.forEach((d) => compared.push([policyLengthUpperBound(stack, d), policyLength(stack, d)]));
    compare();
    stack.node.addValidation({ validate: () => { compare(); return []; } });
    app.synth();
    expect(compared).toHaveLength(600);
    for (const [bound, exact] of compared) expect(bound).toBeGreaterThanOrEqual(exact);
    // The generator does produce what the bound must not underestimate: tokens that resolve to long strings.
    expect(compared.some(([bound, exact]) => bound === exact)).toBe(true);
  });

  test('a token that resolves to a long string counts in full: over the quota is over, though a token "counts" 96', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const long = Lazy.string({ produce: () => `arn:aws:iam::123456789012:role/${'r'.repeat(QUOTAS.managedPolicy)}` });
    const d = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: ['*'], conditions: { ArnLike: { 'aws:PrincipalArn': long } } })] });
    const exact = policyLength(s, d);
    expect(exact).toBeGreaterThan(QUOTAS.managedPolicy);
    expect(policyLengthUpperBound(s, d)).toBe(exact);
    expect(lengthOverQuota(s, d, QUOTAS.managedPolicy)).toBe(exact);
  });

  test('is the exact measure for a literal document', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const next = random(5);
    for (let i = 0; i < 50; i++) {
      const d = document(next, [...LITERALS, 'another', 'more'].map((l) => () => l));
      expect(policyLengthUpperBound(s, d)).toBe(policyLength(s, d));
    }
  });

  test('counts a reference to a resource of the stack at the token estimate, whatever its encoded length', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const r = new CfnResource(s, 'R', { type: 'AWS::Test::Thing' });
    const d = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['dsql:DbConnect'], resources: [r.getAtt('Arn').toString()] })] });
    const exact = policyLength(s, d);
    const bound = policyLengthUpperBound(s, d);
    expect(Token.isUnresolved(r.getAtt('Arn').toString())).toBe(true);
    // Exactly the encoded token string more than the exact measure (which counts it as the estimate).
    expect(bound - exact).toBe(JSON.stringify(r.getAtt('Arn').toString()).length);
  });
});

describe('lengthOverQuota decides exactly as the exact measure', () => {
  test.each([0, 1, 2, 3, 5, 8, 13, 40])('documents padded to the quota %#: over exactly when the exact measure is over', (seed) => {
    const { stack, values } = fixture();
    const next = random(100 + seed);
    for (let i = 0; i < 20; i++) {
      const base = document(next, values);
      const baseLength = policyLength(stack, base);
      for (const target of [QUOTAS.managedPolicy - 1, QUOTAS.managedPolicy, QUOTAS.managedPolicy + 1, QUOTAS.managedPolicy + 2]) {
        const d = padded(base, target - baseLength);
        const exact = policyLength(stack, d);
        expect(exact).toBe(target);
        expect(lengthOverQuota(stack, d, QUOTAS.managedPolicy)).toBe(exact > QUOTAS.managedPolicy ? exact : undefined);
        expect(fitsQuota(stack, d, QUOTAS.managedPolicy)).toBe(exact <= QUOTAS.managedPolicy);
      }
    }
  });
});

/** `base` plus one statement whose condition value makes the exact measure grow by `extra` characters. */
function padded(base: iam.PolicyDocument, extra: number): iam.PolicyDocument {
  const statements = (base.toJSON() as any).Statement.map((s: unknown) => iam.PolicyStatement.fromJson(s));
  const empty = new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['dsql:DbConnect'], resources: ['*'], conditions: { StringEquals: { 'aws:PrincipalTag/pad': '' } } });
  const emptyLength = JSON.stringify(empty.toStatementJson()).length + 1; // and its comma
  if (extra < emptyLength) throw new Error(`cannot pad by ${extra}`);
  statements.push(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    actions: ['dsql:DbConnect'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalTag/pad': 'p'.repeat(extra - emptyLength) } },
  }));
  return new iam.PolicyDocument({ statements });
}

/** A statement that adds `extra` characters to a document that has statements already (with a principal: for a resource policy). */
function padding(extra: number, sid: string, principal = true): iam.PolicyStatement {
  const make = (n: number) => new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: principal ? [new iam.AnyPrincipal()] : undefined,
    actions: ['dsql:DbConnect'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalTag/pad': 'p'.repeat(n) } },
  });
  const emptyLength = JSON.stringify(make(0).toStatementJson()).length + 1;
  return make(extra - emptyLength);
}

describe('the quota checks of the constructs: one character over fails, at the quota passes', () => {
  const CLUSTER_ARN = 'arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz';

  /** A connect policy padded so that its managed policy measures `target` characters; `literal`: no token in it. */
  function connectPolicyOf(target: number, literal: boolean): Stack {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const cluster = literal ? SecureDsqlCluster.fromClusterArn(s, 'Db', CLUSTER_ARN) : new SecureDsqlCluster(s, 'Db');
    const policy = new DsqlConnectPolicy(s, 'Connect', { clusters: [cluster] });
    const mp = policy.managedPolicy;
    mp.addStatements(padding(target - policyLength(s, mp.document), 'Pad', false));
    expect(policyLength(s, mp.document)).toBe(target);
    // With a token the bound is above the exact measure, so the exact measure decides; without, the bound does.
    const bound = policyLengthUpperBound(s, mp.document);
    if (literal) expect(bound).toBe(target);
    else expect(bound).toBeGreaterThan(target);
    return s;
  }

  test.each([true, false])('managed policy (literal: %s)', (literal) => {
    expect(() => (connectPolicyOf(QUOTAS.managedPolicy, literal).node.root as App).synth()).not.toThrow();
    expect(() => (connectPolicyOf(QUOTAS.managedPolicy + 1, literal).node.root as App).synth()).toThrow(
      `Stack/Connect/Resource: statements make a managed policy over the IAM quota of 6144 characters (whitespace not counted) (got "${QUOTAS.managedPolicy + 1} characters")`);
  });

  test.each([true, false])('cluster resource policy (with a principal allow-list token: %s)', (withList) => {
    const make = (target: number) => {
      const app = new App();
      const s = new Stack(app, 'Stack', { env: ENV });
      const cluster = new SecureDsqlCluster(s, 'Db', {
        connectConditions: withList ? { principalArns: ['arn:aws:iam::123456789012:role/app'] } : { blockPublicAccess: true },
      });
      cluster.addToResourcePolicy(padding(target - policyLength(s, cluster.resourcePolicy), 'Pad'));
      expect(policyLength(s, cluster.resourcePolicy)).toBe(target);
      return app;
    };
    expect(() => make(QUOTAS.clusterPolicy).synth()).not.toThrow();
    expect(() => make(QUOTAS.clusterPolicy + 1).synth()).toThrow(
      `Stack/Db: connectConditions/addToResourcePolicy make a cluster resource policy over the Aurora DSQL quota of 20480 characters (got "${QUOTAS.clusterPolicy + 1} characters")`);
  });

  test('cluster resource policy with a reference (rendered through Stack.toJsonString, measured by the bound): the same limit', () => {
    const make = (target: number) => {
      const app = new App();
      const s = new Stack(app, 'Stack', { env: ENV });
      const role = new iam.Role(s, 'App', { assumedBy: new iam.AccountRootPrincipal() });
      const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
      cluster.addToResourcePolicy(new iam.PolicyStatement({ principals: [role], actions: ['dsql:DbConnect'], resources: ['*'] }));
      cluster.addToResourcePolicy(padding(target - policyLength(s, cluster.resourcePolicy), 'Pad'));
      expect(policyLength(s, cluster.resourcePolicy)).toBe(target);
      return { app, s, cluster };
    };
    const within = make(QUOTAS.clusterPolicy);
    expect(() => within.app.synth()).not.toThrow();
    // The template holds the references (an Fn::Join), not a literal text.
    expect(JSON.stringify(within.s.resolve((within.cluster.node.defaultChild as CfnResource)._toCloudFormation()))).toContain('Fn::Join');
    expect(() => make(QUOTAS.clusterPolicy + 1).app.synth()).toThrow(`(got "${QUOTAS.clusterPolicy + 1} characters")`);
  });

  test('the literal text rendered for the template is measured, and again after statements are added', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    const cluster = new SecureDsqlCluster(s, 'Db', { connectConditions: { blockPublicAccess: true } });
    app.synth();
    cluster.addToResourcePolicy(padding(QUOTAS.clusterPolicy + 1 - policyLength(s, cluster.resourcePolicy), 'Pad'));
    expect(() => app.synth({ force: true })).toThrow(`(got "${QUOTAS.clusterPolicy + 1} characters")`);
  });

  test('endpoint policy', () => {
    const make = (target: number) => {
      const app = new App();
      const s = new Stack(app, 'Stack', { env: ENV });
      const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const endpoint = new DsqlPrivateLinkEndpoint(s, 'Endpoint', {
        vpc, cluster: new SecureDsqlCluster(s, 'Db'), allowedPrincipalArns: ['arn:aws:iam::123456789012:role/app-*'],
      });
      const measured = (endpoint as any).connectPolicy as iam.PolicyDocument;
      endpoint.addToPolicy(padding(target - policyLength(s, measured), 'Pad'));
      expect(policyLength(s, measured)).toBe(target);
      return app;
    };
    expect(() => make(QUOTAS.endpointPolicy).synth()).not.toThrow();
    expect(() => make(QUOTAS.endpointPolicy + 1).synth()).toThrow(
      `Stack/Endpoint: allowedPrincipalArns/addCluster make an endpoint policy over the VPC endpoint policy quota of 20480 characters (got "${QUOTAS.endpointPolicy + 1} characters")`);
  });
});

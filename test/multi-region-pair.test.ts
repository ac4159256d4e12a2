/**
 * DsqlMultiRegionPair (issue "Operate it", part 1): two clusters in their own Region stacks, the witness
 * Region validated against the documented Region sets, the same connectConditions on both (decision tests:
 * the two resource policies are identical in effect) and network conditions per cluster, one key per Region, a peering resource that may act on
 * the two clusters only and never unpeer, and no drift.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DsqlConnectConditions, DsqlMultiRegionPair, DsqlMultiRegionPairProps, DsqlPrivatePathGuardrail } from '../src';
import { ACCOUNT, Decision, ResolvedTemplate, allowPolicy, decide } from './support/iam-eval';
import { MULTI_REGION_SETS, regionTripletProblem } from '../src/private/facts/regions';

const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-app`;
const STRANGER = `arn:aws:iam::${ACCOUNT}:role/stranger`;
const VPC_A = 'vpc-0aaaaaaaaaaaaaaaa';
const VPC_OTHER = 'vpc-0ccccccccccccccc0';
const VPCE = 'vpce-0aaaaaaaaaaaaaaaa';

interface Built {
  readonly app: App;
  readonly a: Stack;
  readonly b: Stack;
  readonly pair: DsqlMultiRegionPair;
}

function build(overrides: Partial<DsqlMultiRegionPairProps> = {}, regions: [string, string] = ['us-east-1', 'us-east-2'],
  options: { crossRegionReferences?: boolean; app?: App; members?: boolean } = {}): Built {
  const app = options.app ?? new App();
  const a = new Stack(app, 'First', { env: { account: ACCOUNT, region: regions[0] } });
  const b = new Stack(app, 'Second', { env: { account: ACCOUNT, region: regions[1] }, crossRegionReferences: options.crossRegionReferences ?? true });
  // With `members`, the overrides' first and second keep their options and get the stacks made here.
  const members = options.members
    ? { first: { ...overrides.first, stack: a }, second: { ...overrides.second, stack: b } }
    : {};
  const pair = new DsqlMultiRegionPair(a, 'Orders', { first: { stack: a }, second: { stack: b }, witnessRegion: 'us-west-2', ...overrides, ...members });
  return { app, a, b, pair };
}

/** Each Region's resolved template and its cluster's logical id (the default Regions of `build`). */
function resolvedPair({ a, b, pair }: Pick<Built, 'a' | 'b' | 'pair'>) {
  return {
    ra: new ResolvedTemplate(a, 'us-east-1'),
    rb: new ResolvedTemplate(b, 'us-east-2'),
    ida: a.getLogicalId(pair.firstCluster.cfnCluster),
    idb: b.getLogicalId(pair.secondCluster.cfnCluster),
  };
}

/** Replace every occurrence of a string in a JSON value. */
function substitute<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value).split(JSON.stringify(from).slice(1, -1)).join(to));
}

describe('clusters', () => {
  test('one cluster per Region stack, both with the witness Region and no peer in the template', () => {
    const { a, b, pair } = build();
    for (const [s, cluster] of [[a, pair.firstCluster], [b, pair.secondCluster]] as const) {
      const clusters = Template.fromStack(s).findResources('AWS::DSQL::Cluster');
      expect(Object.keys(clusters)).toEqual([s.getLogicalId(cluster.cfnCluster)]);
      expect(Object.values<any>(clusters)[0].Properties.MultiRegionProperties).toEqual({ WitnessRegion: 'us-west-2' });
      expect(Object.values<any>(clusters)[0].Properties.DeletionProtectionEnabled).toBe(true);
      expect(Object.values<any>(clusters)[0].DeletionPolicy).toBe('Retain');
    }
    expect(pair.firstCluster.node.path).toBe('First/Orders-us-east-1');
    expect(pair.secondCluster.node.path).toBe('Second/Orders-us-east-2');
    expect(pair.clusters).toEqual([pair.firstCluster, pair.secondCluster]);
    expect(b.dependencies).toContain(a);
  });

  test('one customer-managed key per Region: each cluster is encrypted with the key of its Region', () => {
    const app = new App();
    const a = new Stack(app, 'First', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const b = new Stack(app, 'Second', { env: { account: ACCOUNT, region: 'eu-west-2' }, crossRegionReferences: true });
    const keyA = new kms.Key(a, 'Key', { enableKeyRotation: true });
    const keyB = new kms.Key(b, 'Key', { enableKeyRotation: true });
    const pair = new DsqlMultiRegionPair(app, 'Ledger', {
      first: { stack: a, encryptionKey: keyA, clusterName: 'ledger-ie' },
      second: { stack: b, encryptionKey: keyB, clusterName: 'ledger-uk' },
      witnessRegion: 'eu-west-3',
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const [s, key, cluster] of [[a, keyA, pair.firstCluster], [b, keyB, pair.secondCluster]] as const) {
      Template.fromStack(s).hasResourceProperties('AWS::DSQL::Cluster', {
        KmsEncryptionKey: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
        MultiRegionProperties: { WitnessRegion: 'eu-west-3' },
        DeletionProtectionEnabled: false,
      });
      expect(cluster.encryptionKey).toBe(key);
      const keyPolicy = JSON.stringify(Template.fromStack(s).findResources('AWS::KMS::Key'));
      expect(keyPolicy).toContain('AllowAuroraDsqlToUseTheKey');
    }
  });
});

describe('the same connectConditions on both clusters: the two resource policies are identical in effect', () => {
  const scenarios: Array<[string, DsqlConnectConditions]> = [
    ['trusted IP, approved principals', { sourceIps: ['203.0.113.0/24'], principalArns: [APP_ROLE] }],
    ['block public access', { blockPublicAccess: true }],
  ];
  const requests = [APP_ROLE, STRANGER].flatMap((principal) => ['dsql:DbConnect', 'dsql:DbConnectAdmin'].flatMap((action) => [
    { principal, action, sourceIp: '203.0.113.7' },
    { principal, action, sourceIp: '198.51.100.7' },
    { principal, action, sourceVpc: VPC_A, sourceVpce: VPCE },
    { principal, action, sourceVpc: VPC_OTHER, sourceVpce: 'vpce-0ffffffffffffffff' },
  ]));

  test.each(scenarios)('%s', async (_name, connectConditions) => {
    const { a, b, pair } = build({ connectConditions });
    const { ra, rb, ida, idb } = resolvedPair({ a, b, pair });
    const policyA = ra.clusterPolicy(ida);
    const policyB = rb.clusterPolicy(idb);
    expect(policyA).toBeDefined();
    const identity = [allowPolicy(['dsql:DbConnect', 'dsql:DbConnectAdmin'], ['*'])];
    const decisions: Decision[] = [];
    for (const req of requests) {
      const onA = await decide({ identityPolicies: identity, resourcePolicy: policyA }, { ...req, resource: ra.clusterArn(ida) });
      const onB = await decide({ identityPolicies: identity, resourcePolicy: policyB }, { ...req, resource: rb.clusterArn(idb) });
      expect([req, onB]).toEqual([req, onA]);
      decisions.push(onA);
    }
    // The matrix is not trivial: some requests are allowed and some denied.
    expect(decisions).toContain('Allowed');
    expect(decisions).toContain('ExplicitlyDenied');
  });

  test('and they are the same document', () => {
    const { a, b, pair } = build({ connectConditions: { blockPublicAccess: true, principalArns: [APP_ROLE] } });
    expect(new ResolvedTemplate(b).clusterPolicy(b.getLogicalId(pair.secondCluster.cfnCluster)))
      .toEqual(new ResolvedTemplate(a).clusterPolicy(a.getLogicalId(pair.firstCluster.cfnCluster)));
  });
});

describe('the peering resource', () => {
  function peering(built: Built) {
    const t = Template.fromStack(built.b);
    const [id, resource] = Object.entries<any>(t.findResources('Custom::DsqlMultiRegionPeering'))[0];
    return { id, resource, t };
  }

  test('names the two clusters, their Regions and account, and the witness, fixed at synth', () => {
    const built = build();
    const { resource } = peering(built);
    expect(resource.Properties).toMatchObject({
      Regions: ['us-east-1', 'us-east-2'],
      Account: ACCOUNT,
      WitnessRegion: 'us-west-2',
    });
    const [firstArn, secondArn] = resource.Properties.ClusterArns;
    // The first ARN crosses Regions through aws-cdk-lib's cross-Region references; the second is local.
    expect(JSON.stringify(firstArn)).toContain('ExportsReader');
    expect(secondArn).toEqual({ 'Fn::GetAtt': [built.b.getLogicalId(built.pair.secondCluster.cfnCluster), 'ResourceArn'] });
  });

  test('its functions may act on the two clusters only, may keep but not change the witness, and cannot unpeer', async () => {
    const built = build();
    const { resource } = peering(built);
    const rb = new ResolvedTemplate(built.b, 'us-east-2');
    const ra = new ResolvedTemplate(built.a, 'us-east-1');
    const firstArn = ra.clusterArn(built.a.getLogicalId(built.pair.firstCluster.cfnCluster));
    const secondArn = rb.clusterArn(built.b.getLogicalId(built.pair.secondCluster.cfnCluster));
    const readerValue: string = rb.resolve(resource.Properties.ClusterArns[0]);
    const otherArn = `arn:aws:dsql:us-east-1:${ACCOUNT}:cluster/zyxwvutsrqponmlkjihgfedcba`;

    const roleOf = (description: string) => {
      const [, fn] = Object.entries<any>(rb.resources).find(([, r]) => r.Type === 'AWS::Lambda::Function'
        && String(r.Properties.Description).includes(description))!;
      return fn.Properties.Role['Fn::GetAtt'][0] as string;
    };
    const ask = async (roleId: string, action: string, resource_: string, context?: Record<string, string>) => decide(
      { identityPolicies: substitute(rb.identityPolicies(roleId), readerValue, firstArn) },
      { principal: rb.roleArn(roleId), action, resource: resource_, context });

    const onEvent = roleOf('peers the two Aurora DSQL clusters');
    for (const arn of [firstArn, secondArn]) {
      for (const action of ['dsql:GetCluster', 'dsql:UpdateCluster', 'dsql:PutMultiRegionProperties', 'dsql:AddPeerCluster']) {
        expect(await ask(onEvent, action, arn)).toBe('Allowed');
      }
      expect(await ask(onEvent, 'dsql:PutWitnessRegion', arn, { 'dsql:WitnessRegion': 'us-west-2' })).toBe('Allowed');
      expect(await ask(onEvent, 'dsql:PutWitnessRegion', arn, { 'dsql:WitnessRegion': 'eu-west-1' })).toBe('ImplicitlyDenied');
      for (const action of ['dsql:RemovePeerCluster', 'dsql:DeleteCluster', 'dsql:DbConnectAdmin', 'dsql:PutClusterPolicy', 'dsql:CreateCluster']) {
        expect(await ask(onEvent, action, arn)).toBe('ImplicitlyDenied');
      }
    }
    expect(await ask(onEvent, 'dsql:UpdateCluster', otherArn)).toBe('ImplicitlyDenied');
    expect(await ask(onEvent, 'dsql:AddPeerCluster', otherArn)).toBe('ImplicitlyDenied');

    const isComplete = roleOf('waits until both clusters');
    expect(await ask(isComplete, 'dsql:GetCluster', firstArn)).toBe('Allowed');
    expect(await ask(isComplete, 'dsql:GetCluster', secondArn)).toBe('Allowed');
    expect(await ask(isComplete, 'dsql:UpdateCluster', firstArn)).toBe('ImplicitlyDenied');
    expect(await ask(isComplete, 'dsql:GetCluster', otherArn)).toBe('ImplicitlyDenied');
  });

  test('no drift: the same app synthesizes the same peering properties; a change to either cluster changes them', () => {
    const generation = (built: Built) => peering(built).resource.Properties.Generation;
    const base = generation(build({ connectConditions: { blockPublicAccess: true } }));
    expect(generation(build({ connectConditions: { blockPublicAccess: true } }))).toBe(base);
    expect(generation(build({ connectConditions: { blockPublicAccess: true, principalArns: [APP_ROLE] } }))).not.toBe(base);
    const changedFirstOnly = build({ connectConditions: { blockPublicAccess: true } });
    changedFirstOnly.pair.firstCluster.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['dsql:DbConnectAdmin'], resources: ['*'],
    }));
    expect(generation(changedFirstOnly)).not.toBe(base);
  });
});

describe('validation', () => {
  test('the documented Region sets', () => {
    expect(MULTI_REGION_SETS.map((s) => [s.name, [...s.regions].sort()])).toEqual([
      ['Americas', ['ca-central-1', 'ca-west-1', 'us-east-1', 'us-east-2', 'us-west-2']],
      ['Europe', ['eu-central-1', 'eu-north-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3']],
      ['Asia Pacific', ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1']],
    ]);
    expect(regionTripletProblem('us-east-1', 'us-east-2', 'us-west-2')).toBeUndefined();
    expect(regionTripletProblem('ap-northeast-1', 'ap-northeast-3', 'ap-northeast-2')).toBeUndefined();
  });

  test.each([
    [['us-east-1', 'us-east-2'], 'us-east-1', /witnessRegion with clusters in us-east-1 and us-east-2 is the Region of a peered cluster \(us-east-1\)/],
    [['us-east-1', 'eu-west-1'], 'us-west-2', /spans Region sets \(us-east-1 \(first cluster\) in Americas; eu-west-1 \(second cluster\) in Europe; us-west-2 \(witness\) in Americas\)/],
    [['eu-west-1', 'eu-west-2'], 'us-west-2', /spans Region sets/],
    [['us-east-1', 'us-east-2'], 'sa-east-1', /names sa-east-1 \(witness\), which is in no documented Region set for multi-Region clusters/],
    [['us-east-1', 'us-east-2'], 'mars-1', /witnessRegion is not an AWS Region name \(got "mars-1"\)/],
  ] as Array<[[string, string], string, RegExp]>)('refuses clusters in %p with witness %s', (regions, witnessRegion, message) => {
    expect(() => build({ witnessRegion }, regions)).toThrow(message);
    expect(() => build({ witnessRegion }, regions)).toThrow(/^First\/Orders: witnessRegion /);
  });

  test('refuses two stacks of one Region, one stack, another account, stacks without a concrete env', () => {
    expect(() => build({}, ['us-east-1', 'us-east-1'])).toThrow(/both clusters are in us-east-1; a multi-Region pair needs two Regions/);
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: 'us-east-1' } });
    expect(() => new DsqlMultiRegionPair(app, 'Same', { first: { stack: a }, second: { stack: a }, witnessRegion: 'us-west-2' }))
      .toThrow(/Same: second.stack is the stack of the first cluster/);
    const other = new Stack(app, 'Other', { env: { account: '210987654321', region: 'us-east-2' }, crossRegionReferences: true });
    expect(() => new DsqlMultiRegionPair(app, 'Accounts', { first: { stack: a }, second: { stack: other }, witnessRegion: 'us-west-2' }))
      .toThrow(/Accounts: second.stack is in another account than the first stack \(123456789012\) \(got "210987654321"\)/);
    const agnostic = new Stack(app, 'Agnostic');
    expect(() => new DsqlMultiRegionPair(app, 'Env', { first: { stack: agnostic }, second: { stack: a }, witnessRegion: 'us-west-2' }))
      .toThrow(/Env: first.stack has no concrete account and Region \(got "Agnostic"\)/);
  });

  test('refuses a second stack that cannot read the first cluster\'s ARN', () => {
    expect(() => build({}, undefined, { crossRegionReferences: false }))
      .toThrow(/second.stack was created without crossRegionReferences, so it cannot read the first cluster's ARN .*crossRegionReferences: true/);
  });

  test('keys: one per Region, both or neither', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const b = new Stack(app, 'B', { env: { account: ACCOUNT, region: 'us-east-2' }, crossRegionReferences: true });
    const keyA = new kms.Key(a, 'Key');
    expect(() => new DsqlMultiRegionPair(app, 'One', { first: { stack: a, encryptionKey: keyA }, second: { stack: b }, witnessRegion: 'us-west-2' }))
      .toThrow(/One: second.encryptionKey is not given, but the other cluster has a customer-managed key/);
    expect(() => new DsqlMultiRegionPair(app, 'Wrong', {
      first: { stack: a, encryptionKey: keyA }, second: { stack: b, encryptionKey: keyA }, witnessRegion: 'us-west-2',
    })).toThrow(/Wrong: second.encryptionKey is in Region us-east-1, but the cluster is in us-east-2 \(got "A\/Key"\)/);
  });
});

describe('operations on the pair', () => {
  test('addBackupPlan: one selection per Region, each with the options of its Region', () => {
    const { a, b, pair } = build();
    const keyA = new kms.Key(a, 'BackupKey');
    const keyB = new kms.Key(b, 'BackupKey');
    const plans = pair.addBackupPlan('Backup', { encryptionKey: keyA }, { encryptionKey: keyB });
    expect(plans.map((p) => p.node.path)).toEqual(['First/Orders-us-east-1/Backup', 'Second/Orders-us-east-2/Backup']);
    for (const [s, key, cluster] of [[a, keyA, pair.firstCluster], [b, keyB, pair.secondCluster]] as const) {
      const t = Template.fromStack(s);
      t.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
      t.hasResourceProperties('AWS::Backup::BackupSelection', {
        BackupSelection: { Resources: [{ 'Fn::GetAtt': [s.getLogicalId(cluster.cfnCluster), 'ResourceArn'] }] },
      });
    }
  });

  test('addRecommendedAlarms: in each Region; a topic of one Region for both is refused', () => {
    const { a, b, pair } = build();
    expect(pair.addRecommendedAlarms({ dpuBudget: 1000 })).toHaveLength(2);
    Template.fromStack(a).resourceCountIs('AWS::CloudWatch::Alarm', 4);
    Template.fromStack(b).resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const other = build();
    expect(() => other.pair.addRecommendedAlarms({ alarmTopic: new sns.Topic(other.a, 'Ops') }))
      .toThrow(/addRecommendedAlarms\(options\) would send both Regions' alarms to one Region's topic or action/);
  });
});

describe('network conditions per cluster (VPCs and endpoints belong to one Region)', () => {
  const VPC_B = 'vpc-0bbbbbbbbbbbbbbbb';
  const identity = [allowPolicy(['dsql:DbConnect'], ['*'])];

  test('each cluster admits its own Region\'s VPC, both admit the shared public IPs', async () => {
    const { a, b, pair } = build({
      connectConditions: { sourceIps: ['203.0.113.0/24'] },
      first: { stack: undefined as any, connectConditions: { sourceVpcIds: [VPC_A] } },
      second: { stack: undefined as any, connectConditions: { sourceVpcIds: [VPC_B] } },
    }, undefined, { members: true });
    const { ra, rb, ida, idb } = resolvedPair({ a, b, pair });
    const on = (r: ResolvedTemplate, id: string, req: object) => decide({ identityPolicies: identity, resourcePolicy: r.clusterPolicy(id) },
      { principal: APP_ROLE, action: 'dsql:DbConnect', resource: r.clusterArn(id), ...req });
    const viaA = { sourceVpc: VPC_A, sourceVpce: VPCE };
    const viaB = { sourceVpc: VPC_B, sourceVpce: 'vpce-0bbbbbbbbbbbbbbbb' };
    expect(await on(ra, ida, viaA)).toBe('Allowed');
    expect(await on(rb, idb, viaB)).toBe('Allowed');
    expect(await on(ra, ida, viaB)).toBe('ExplicitlyDenied');
    expect(await on(rb, idb, viaA)).toBe('ExplicitlyDenied');
    // control: the shared condition holds on both
    expect(await on(ra, ida, { sourceIp: '203.0.113.7' })).toBe('Allowed');
    expect(await on(rb, idb, { sourceIp: '203.0.113.7' })).toBe('Allowed');
    expect(await on(rb, idb, { sourceIp: '198.51.100.7' })).toBe('ExplicitlyDenied');
  });

  test('a member key given as undefined keeps the pair\'s value (a JavaScript caller\'s optional value)', async () => {
    const maybeArns: string[] | undefined = undefined;
    const { a, b, pair } = build({
      connectConditions: { principalArns: [APP_ROLE] },
      first: { stack: undefined as any, connectConditions: { sourceVpcIds: [VPC_A], principalArns: maybeArns } },
      second: { stack: undefined as any, connectConditions: { sourceVpcIds: [VPC_B] } },
    }, undefined, { members: true });
    const { ra, rb, ida, idb } = resolvedPair({ a, b, pair });
    const via = (vpc: string) => ({ sourceVpc: vpc, sourceVpce: VPCE });
    const as = (principal: string, r: ResolvedTemplate, id: string, vpc: string) => decide(
      { identityPolicies: identity, resourcePolicy: r.clusterPolicy(id) }, { principal, action: 'dsql:DbConnect', resource: r.clusterArn(id), ...via(vpc) });
    // both clusters keep the pair's principal list: a stranger is denied on each, the listed role allowed
    expect(await as(STRANGER, ra, ida, VPC_A)).toBe('ExplicitlyDenied');
    expect(await as(STRANGER, rb, idb, VPC_B)).toBe('ExplicitlyDenied');
    expect(await as(APP_ROLE, ra, ida, VPC_A)).toBe('Allowed');
    expect(await as(APP_ROLE, rb, idb, VPC_B)).toBe('Allowed');
  });

  test('refuses sourceVpcIds or sourceVpcEndpointIds for both clusters, and a key given twice', () => {
    expect(() => build({ connectConditions: { sourceVpcIds: [VPC_A], sourceVpcEndpointIds: [VPCE] } }))
      .toThrow(/First\/Orders: 2 problems:[\s\S]*connectConditions\.sourceVpcIds names VPCs or endpoints, which belong to one Region[\s\S]*Give sourceVpcIds per cluster: first\.connectConditions\.sourceVpcIds/);
    const twice = {
      connectConditions: { principalArns: [APP_ROLE] },
      first: { stack: undefined as any, connectConditions: { principalArns: [STRANGER] } },
    };
    expect(() => build(twice, undefined, { members: true })).toThrow(/first\.connectConditions\.principalArns is also given in the pair's connectConditions/);
  });

  test('refuses a VPC or endpoint known to be in the other Region; control: its own Region\'s are accepted', () => {
    const app = new App();
    const a = new Stack(app, 'First', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const b = new Stack(app, 'Second', { env: { account: ACCOUNT, region: 'us-east-2' }, crossRegionReferences: true });
    const vpcA = new ec2.Vpc(a, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const vpcB = ec2.Vpc.fromVpcAttributes(b, 'Vpc', { vpcId: VPC_B, availabilityZones: ['us-east-2a'] });
    expect(() => new DsqlMultiRegionPair(a, 'Wrong', {
      first: { stack: a, connectConditions: { sourceVpcIds: [vpcB.vpcId] } },
      second: { stack: b },
      witnessRegion: 'us-west-2',
    })).toThrow(new RegExp('First/Wrong: first\\.connectConditions\\.sourceVpcIds is a VPC of Region us-east-2, but the first cluster is in us-east-1'
      + '.*\\(got "vpc-0bbbbbbbbbbbbbbbb"\\)\\. Move it to the other member\'s connectConditions\\.sourceVpcIds'));
    expect(() => new DsqlMultiRegionPair(a, 'Right', {
      first: { stack: a, connectConditions: { sourceVpcIds: [vpcA.vpcId] } },
      second: { stack: b, connectConditions: { sourceVpcIds: [vpcB.vpcId] } },
      witnessRegion: 'us-west-2',
    })).not.toThrow();
  });
});

describe('a private-path guardrail on a pair', () => {
  const ADMIN = `arn:aws:iam::${ACCOUNT}:role/network-admin`;

  test('guarding one cluster only warns that its peer is open', () => {
    const { a, pair } = build();
    new DsqlPrivatePathGuardrail(a, 'Guard', { clusters: [pair.firstCluster], adminPrincipalArns: [ADMIN] });
    Annotations.fromStack(a).hasWarning('/First/Guard', Match.stringLikeRegexp(
      'First/Orders-us-east-1 is guarded, but its multi-Region peer Second/Orders-us-east-2.*secure-dsql:unguarded-peer'));
  });

  test('control: both clusters guarded (each in its stack) synthesize without the warning', () => {
    const { a, b, pair } = build();
    new DsqlPrivatePathGuardrail(a, 'Guard', { clusters: [pair.firstCluster], adminPrincipalArns: [ADMIN] });
    new DsqlPrivatePathGuardrail(b, 'Guard', { clusters: [pair.secondCluster], adminPrincipalArns: [ADMIN] });
    Annotations.fromStack(a).hasNoWarning('/First/Guard', Match.stringLikeRegexp('unguarded-peer'));
    Annotations.fromStack(b).hasNoWarning('/Second/Guard', Match.stringLikeRegexp('unguarded-peer'));
  });
});

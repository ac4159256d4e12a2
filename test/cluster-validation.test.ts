/**
 * Bad input fails at synth time with a message that names the construct, the property, the bad value and
 * the fix. One test per rule.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DsqlConnectConditions, DsqlMultiRegionOptions, SecureDsqlCluster } from '../src';
import { ENV, ResolvedTemplate } from './support/iam-eval';
import { regionTripletProblem } from '../src/private/facts/regions';

function withConditions(c: DsqlConnectConditions): () => void {
  return () => new SecureDsqlCluster(new Stack(new App(), 'Stack', { env: ENV }), 'Db', { connectConditions: c });
}

describe('connectConditions', () => {
  test.each<[string, DsqlConnectConditions, RegExp]>([
    ['malformed CIDR', { sourceIps: ['203.0.113.0/33'] },
      /^Stack\/Db: connectConditions\.sourceIps has a prefix \/33 longer than 32 bits \(got "203\.0\.113\.0\/33"\)\. Give IPv4 or IPv6 CIDR blocks/],
    ['not a CIDR', { sourceIps: ['203.0.113.7'] }, /connectConditions\.sourceIps is not in CIDR notation .*got "203\.0\.113\.7"/],
    ['bad IPv4 octet', { sourceIps: ['203.0.113.256/32'] }, /connectConditions\.sourceIps has an invalid IPv4 address "203\.0\.113\.256"/],
    ['bad IPv6', { sourceIps: ['2001:db8:::1/128'] }, /connectConditions\.sourceIps has an invalid IPv6 address/],
    ['host bits set', { sourceIps: ['203.0.113.7/24'] }, /has host bits set; the network address is 203\.0\.113\.0\/24 \(got "203\.0\.113\.7\/24"\)/],
    ['0.0.0.0/0 is no restriction', { sourceIps: ['0.0.0.0/0'] },
      /connectConditions\.sourceIps admits every address, which is no restriction at all \(got "0\.0\.0\.0\/0"\)\. List the networks you trust/],
    ['::/0 is no restriction', { sourceIps: ['::/0'] }, /admits every address, which is no restriction at all \(got "::\/0"\)/],
    ['empty sourceIps', { sourceIps: [] }, /connectConditions\.sourceIps is an empty list \(got \[\]\)\. Leave the property out, or list at least one value/],
    ['empty sourceVpcIds', { sourceVpcIds: [] }, /connectConditions\.sourceVpcIds is an empty list/],
    ['empty sourceVpcEndpointIds', { sourceVpcEndpointIds: [] }, /connectConditions\.sourceVpcEndpointIds is an empty list/],
    ['empty principalArns', { principalArns: [] }, /connectConditions\.principalArns is an empty list/],
    ['VPC id that is not vpc-', { sourceVpcIds: ['vpce-0123456789abcdef0'] },
      /connectConditions\.sourceVpcIds is not a VPC id \(got "vpce-0123456789abcdef0"\)\. Use a value such as "vpc-0123456789abcdef0"/],
    ['endpoint id that is not vpce-', { sourceVpcEndpointIds: ['vpc-0123456789abcdef0'] },
      /connectConditions\.sourceVpcEndpointIds is not an interface VPC endpoint id \(got "vpc-0123456789abcdef0"\)/],
    ['principal that is not an IAM ARN', { principalArns: ['arn:aws:s3:::bucket'] },
      /connectConditions\.principalArns is not an IAM role or user ARN \(got "arn:aws:s3:::bucket"\)\. Use a value such as "arn:aws:iam::123456789012:role\/app"/],
    ['principal with an injected quote', { principalArns: ['arn:aws:iam::123456789012:role/a"b'] }, /is not an IAM role or user ARN/],
    ['duplicate value', { sourceIps: ['203.0.113.0/24', '203.0.113.0/24'] }, /connectConditions\.sourceIps lists the same value twice/],
    ['blockPublicAccess with sourceIps', { blockPublicAccess: true, sourceIps: ['203.0.113.0/24'] },
      /connectConditions\.blockPublicAccess contradicts sourceIps.*\(got true\)\. Drop sourceIps to allow only private connections, or drop blockPublicAccess/],
    ['no condition at all', {}, /connectConditions sets no condition, so it restricts nothing \(got \{\}\)\. Set at least one of/],
    ['only blockPublicAccess: false', { blockPublicAccess: false }, /connectConditions sets no condition/],
  ])('%s', (_name, conditions, message) => {
    expect(withConditions(conditions)).toThrow(message);
  });

  test('tokens are accepted and checked at deploy time', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const role = new iam.Role(s, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceVpcIds: [vpc.vpcId], principalArns: [role.roleArn] } })).not.toThrow();
  });

  test('valid IPv6 and wildcard principal ARNs are accepted', () => {
    expect(withConditions({ sourceIps: ['2001:db8::/48', '198.51.100.0/24'], principalArns: ['arn:aws:iam::123456789012:role/app-*'] })).not.toThrow();
  });
});

describe('cluster props', () => {
  const stack = () => new Stack(new App(), 'Stack', { env: ENV });

  test('DESTROY with deletion protection on is contradictory', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', { removalPolicy: RemovalPolicy.DESTROY }))
      .toThrow(/^Stack\/Db: removalPolicy contradicts deletionProtection \(default true\).*\(got "DESTROY"\)\. Set deletionProtection: false together with RemovalPolicy\.DESTROY/);
  });

  test('witness Region equal to the cluster Region', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', { multiRegion: { witnessRegion: 'us-east-1' } }))
      .toThrow(/Stack\/Db: multiRegion\.witnessRegion is the cluster's own Region \(got "us-east-1"\)\. Pick a third Region/);
  });

  test('witness that is not a Region name', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', { multiRegion: { witnessRegion: 'us-middle' } }))
      .toThrow(/multiRegion\.witnessRegion is not an AWS Region name \(got "us-middle"\)/);
  });

  test('peer that is not a cluster ARN', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', { multiRegion: { witnessRegion: 'us-west-2', peerClusterArns: ['abcdefghijklmnopqrstuvwxyz'] } }))
      .toThrow(/multiRegion\.peerClusterArns is not an Aurora DSQL cluster ARN \(got "abcdefghijklmnopqrstuvwxyz"\)/);
  });

  test('peer in the cluster\'s own Region', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', {
      multiRegion: { witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] },
    })).toThrow(/multiRegion\.peerClusterArns is in the cluster's own Region/);
  });

  test('peer in the witness Region', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', {
      multiRegion: { witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:us-west-2:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] },
    })).toThrow(/multiRegion\.peerClusterArns is in the witness Region/);
  });

  test('empty peer list', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', { multiRegion: { witnessRegion: 'us-west-2', peerClusterArns: [] } }))
      .toThrow(/multiRegion\.peerClusterArns is an empty list \(got \[\]\)\. Leave peerClusterArns out for the first deployment/);
  });

  test('empty clusterName', () => {
    expect(() => new SecureDsqlCluster(stack(), 'Db', { clusterName: '' })).toThrow(/clusterName must be 1 to 256 characters/);
  });

  test('an Allow to everyone in the resource policy is refused', () => {
    const c = new SecureDsqlCluster(stack(), 'Db');
    expect(() => c.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['dsql:DbConnect'],
      resources: ['*'],
      conditions: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    }))).toThrow(/Stack\/Db: addToResourcePolicy\(statement\) would allow every principal .*DSQL block public access rejects/);
  });

  test('a resource policy over 20,480 characters fails synthesis and says so', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    // 1,500 non-adjacent /32s: nothing to merge, about 24,000 characters of CIDRs.
    const sourceIps = Array.from({ length: 1500 }, (_, i) => `10.${i >> 7}.0.${(i & 127) * 2}/32`);
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps } });
    expect(() => app.synth())
      .toThrow(/Stack\/Db: connectConditions\/addToResourcePolicy make a cluster resource policy over the Aurora DSQL quota of 20480 characters \(got "\d+ characters"\)\. Merge CIDR blocks/);
  });

  test('adjacent blocks over the quota are merged (exactly the same addresses) and the user is told', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    // 2,048 adjacent /32s: 10.0.0.0 - 10.0.7.255, about 30,000 characters unmerged, one /21 merged.
    const sourceIps = Array.from({ length: 2048 }, (_, i) => `10.0.${i >> 8}.${i & 255}/32`);
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps } });
    expect(() => app.synth()).not.toThrow();
    const statement = new ResolvedTemplate(s).clusterPolicy().Statement[0];
    expect(statement.Condition.NotIpAddressIfExists['aws:SourceIp']).toEqual(['10.0.0.0/21']);
    Annotations.fromStack(s).hasInfo('/Stack/Db', Match.stringLikeRegexp('merged 2048 CIDR blocks into 1 \\(the same addresses\\)'));
  });

  test('a policy under the quota is not merged', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/25', '203.0.113.128/25'] } });
    const statement = new ResolvedTemplate(s).clusterPolicy().Statement[0];
    expect(statement.Condition.NotIpAddressIfExists['aws:SourceIp']).toEqual(['203.0.113.0/25', '203.0.113.128/25']);
  });

  test('a policy just under the quota synthesizes', () => {
    const app = new App();
    const s = new Stack(app, 'Stack', { env: ENV });
    const sourceIps = Array.from({ length: 900 }, (_, i) => `10.${i >> 7}.0.${(i & 127) * 2}/32`);
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps } });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('multi-Region inputs: what AWS would reject at deploy fails at synth', () => {
  const PEER = 'arn:aws:dsql:us-east-2:123456789012:cluster/abcdefghijklmnopqrstuvwxyz';
  const build = (multiRegion: DsqlMultiRegionOptions, env: { account?: string; region?: string } = ENV) => {
    const s = new Stack(new App(), 'Stack', { env });
    new SecureDsqlCluster(s, 'Db', { multiRegion });
    return s;
  };

  test('a valid pair (us-east-1 with a peer in us-east-2, witness us-west-2) is accepted, without warning', () => {
    const s = build({ witnessRegion: 'us-west-2', peerClusterArns: [PEER] });
    Annotations.fromStack(s).hasNoWarning('/Stack/Db', Match.anyValue());
  });

  test.each<[string, DsqlMultiRegionOptions, { account?: string; region?: string }, RegExp]>([
    ['two peer ARNs (a pair has exactly one peer)',
      { witnessRegion: 'us-west-2', peerClusterArns: [PEER, 'arn:aws:dsql:us-west-2:123456789012:cluster/zyxwvutsrqponmlkjihgfedcba'] }, ENV,
      /^Stack\/Db: multiRegion\.peerClusterArns lists 2 clusters, but a multi-Region cluster has exactly one peer \(a pair of clusters and a witness Region\) \(got \[.*\]\)\. List the ARN of the one peer cluster\./],
    ['the same peer twice is still two', { witnessRegion: 'us-west-2', peerClusterArns: [PEER, PEER] }, ENV, /peerClusterArns lists 2 clusters/],
    ['a peer in another account', { witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:us-east-2:210987654321:cluster/abcdefghijklmnopqrstuvwxyz'] }, ENV,
      /^Stack\/Db: multiRegion\.peerClusterArns is in account 210987654321, but the cluster is in account 123456789012 \(got "arn:aws:dsql:us-east-2:210987654321:cluster\/abcdefghijklmnopqrstuvwxyz"\)\. Peer clusters of the same account/],
    ['a peer in another partition', { witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws-us-gov:dsql:us-east-2:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] }, ENV,
      /^Stack\/Db: multiRegion\.peerClusterArns is in partition aws-us-gov, but the cluster is in partition aws \(got "arn:aws-us-gov:dsql:/],
    ['a witness outside every Region set', { witnessRegion: 'sa-east-1' }, ENV,
      /^Stack\/Db: multiRegion\.witnessRegion names sa-east-1 \(the witness\), which is in no documented Region set for multi-Region clusters .*\(got "sa-east-1"\)\. Aurora DSQL peers clusters within these Region sets: Americas: us-east-1, us-east-2, us-west-2, ca-central-1, ca-west-1; Europe: .*; Asia Pacific: .*\./],
    ['a witness of another Region set', { witnessRegion: 'eu-west-1' }, ENV,
      /^Stack\/Db: multiRegion\.witnessRegion spans Region sets \(us-east-1 \(the cluster's Region\) in Americas; eu-west-1 \(the witness\) in Europe\): the clusters and the witness must all be in one set \(got "eu-west-1"\)/],
    ['a peer of another Region set', { witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:ap-northeast-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] }, ENV,
      /^Stack\/Db: multiRegion\.peerClusterArns spans Region sets \(us-east-1 \(the cluster's Region\) in Americas; us-west-2 \(the witness\) in Americas; ap-northeast-1 \(the peer\) in Asia Pacific\)/],
    ['a cluster in a Region without multi-Region support', { witnessRegion: 'us-west-2' }, { account: '123456789012', region: 'sa-east-1' },
      /^Stack\/Db: multiRegion is set, but the cluster's Region is not one where Aurora DSQL supports multi-Region clusters \(got "sa-east-1"\)\. Aurora DSQL peers clusters within these Region sets: Americas/],
  ])('%s', (_name, multiRegion, env, message) => {
    expect(() => build(multiRegion, env)).toThrow(message);
  });

  test('in an environment-agnostic stack the Region checks are skipped, and a warning with an id says so', () => {
    const s = build({ witnessRegion: 'us-west-2', peerClusterArns: [PEER] }, {});
    Annotations.fromStack(s).hasWarning('/Stack/Db', Match.stringLikeRegexp(
      '^multiRegion is only partly checked at synth, because the stack is environment-agnostic .*not checked: the cluster\'s Region against the Region sets, '
      + 'the witness and the peer; the peer\'s partition; the peer\'s account\\. .*Give the stack an env \\(\\{ account, region \\}\\) to check them.*\\[ack: secure-dsql:multi-region-unchecked\\]'));
  });

  test('the cluster and DsqlMultiRegionPair judge Region sets by the one predicate (regionTripletProblem)', () => {
    const regions = ['us-east-2', 'us-west-2', 'ca-central-1', 'eu-west-1', 'ap-northeast-1', 'sa-east-1'];
    const verdicts: Array<[string, string, boolean, boolean]> = [];
    for (const witness of regions) {
      for (const peer of regions.filter((r) => r !== witness)) {
        let refused = false;
        try {
          build({ witnessRegion: witness, peerClusterArns: [`arn:aws:dsql:${peer}:123456789012:cluster/abcdefghijklmnopqrstuvwxyz`] });
        } catch {
          refused = true;
        }
        verdicts.push([witness, peer, refused, regionTripletProblem('us-east-1', peer, witness) !== undefined]);
      }
    }
    for (const [witness, peer, refused, problem] of verdicts) expect({ witness, peer, refused }).toEqual({ witness, peer, refused: problem });
    // Not trivial: some triplets are accepted, some refused.
    expect(verdicts.some((v) => v[2])).toBe(true);
    expect(verdicts.some((v) => !v[2])).toBe(true);
  });

  test('...but what is known is still checked: a witness and a peer of different Region sets', () => {
    expect(() => build({ witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:eu-west-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz'] }, {}))
      .toThrow(/multiRegion\.peerClusterArns spans Region sets \(us-west-2 \(the witness\) in Americas; eu-west-1 \(the peer\) in Europe\)/);
  });

  test('a known Region with an unknown account: only the account check is skipped, and named', () => {
    const s = build({ witnessRegion: 'us-west-2', peerClusterArns: [PEER] }, { region: 'us-east-1' });
    Annotations.fromStack(s).hasWarning('/Stack/Db', Match.stringLikeRegexp('not checked: the peer\'s account\\.'));
  });
});

describe('customer-managed key of another Region or account', () => {
  const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const build = (keyArn: string, env: { account?: string; region?: string } = ENV) => () => {
    const s = new Stack(new App(), 'Stack', { env });
    new SecureDsqlCluster(s, 'Db', { encryptionKey: kms.Key.fromKeyArn(s, 'Key', keyArn) });
  };

  test('a key of the cluster\'s Region and account is accepted', () => {
    expect(build(KEY)).not.toThrow();
  });

  test('a key of another Region', () => {
    expect(build(KEY.replace('us-east-1', 'us-west-2'))).toThrow(
      /^Stack\/Db: encryptionKey is a key of Region us-west-2, but the cluster is in us-east-1: a cluster uses a key of its own Region \(got "arn:aws:kms:us-west-2:.*"\)\. Use a key of us-east-1 \(for a multi-Region key, its replica in us-east-1\)\./);
  });

  test('a key of another account', () => {
    expect(build(KEY.replace('123456789012', '210987654321'))).toThrow(
      /^Stack\/Db: encryptionKey is a key of account 210987654321, but the cluster is in account 123456789012 .*Use a customer-managed key of the cluster's account\./);
  });

  test('a key defined in a stack of another Region', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: { account: '123456789012', region: 'eu-west-1' } });
    const s = new Stack(app, 'Stack', { env: ENV });
    const key = new kms.Key(keys, 'Key');
    expect(() => new SecureDsqlCluster(s, 'Db', { encryptionKey: key })).toThrow(/^Stack\/Db: encryptionKey is a key of Region eu-west-1, but the cluster is in us-east-1: a cluster uses a key of its own Region \(got "Keys\/Key"\)/);
  });

  test('unknown on either side (an environment-agnostic stack, a key ARN token) is not refused', () => {
    expect(build(KEY, {})).not.toThrow();
  });
});

describe('imports', () => {
  const stack = () => new Stack(new App(), 'Stack', { env: ENV });

  test('identifier that is not a cluster id', () => {
    expect(() => SecureDsqlCluster.fromClusterIdentifier(stack(), 'I', 'arn:aws:dsql:us-east-1:123456789012:cluster/abc'))
      .toThrow(/^Stack\/I: clusterIdentifier is not an Aurora DSQL cluster identifier.*Pass the identifier shown by `aws dsql list-clusters`/);
  });

  test('ARN that is not a cluster ARN', () => {
    expect(() => SecureDsqlCluster.fromClusterArn(stack(), 'I', 'arn:aws:rds:us-east-1:123456789012:cluster:abc'))
      .toThrow(/^Stack\/I: clusterArn is not an Aurora DSQL cluster ARN \(got "arn:aws:rds:us-east-1:123456789012:cluster:abc"\)/);
  });

  test('service name of another Region', () => {
    expect(() => SecureDsqlCluster.fromClusterAttributes(stack(), 'I', {
      clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', vpcEndpointServiceName: 'com.amazonaws.eu-west-1.dsql-a1b2c3',
    })).toThrow(/vpcEndpointServiceName belongs to Region eu-west-1, not the cluster's Region us-east-1/);
  });

  test('malformed service name', () => {
    expect(() => SecureDsqlCluster.fromClusterAttributes(stack(), 'I', {
      clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', vpcEndpointServiceName: 'com.amazonaws.us-east-1.dsql',
    })).toThrow(/vpcEndpointServiceName is not an Aurora DSQL connection service name/);
  });

  test('malformed account and Region', () => {
    expect(() => SecureDsqlCluster.fromClusterAttributes(stack(), 'I', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', account: '123' }))
      .toThrow(/account is not a 12-digit AWS account id \(got "123"\)/);
    expect(() => SecureDsqlCluster.fromClusterAttributes(stack(), 'J', { clusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', region: 'mars-1' }))
      .toThrow(/region is not an AWS Region name \(got "mars-1"\)/);
  });
});

describe('warnings', () => {
  test('private blocks in sourceIps never match aws:SourceIp, and the user is told', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps: ['10.0.0.0/16', '203.0.113.0/24'] } });
    Annotations.fromStack(s).hasWarning('/Stack/Db', Match.stringLikeRegexp('connectConditions\\.sourceIps lists private blocks \\(10\\.0\\.0\\.0/16\\).*use sourceVpcIds'));
  });

  test('public blocks raise no warning', () => {
    const s = new Stack(new App(), 'Stack', { env: ENV });
    new SecureDsqlCluster(s, 'Db', { connectConditions: { sourceIps: ['203.0.113.0/24'] } });
    Annotations.fromStack(s).hasNoWarning('/Stack/Db', Match.anyValue());
  });
});

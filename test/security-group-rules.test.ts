/** The pure security-group rule inspector of the private path (src/private/security-group-rules.ts). */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { SecureDsqlCluster } from '../src';
import { clientCidrProblem, peerCidr, ruleProblems, rulesOf } from '../src/private/security-group-rules';
import { validationMemo } from '../src/private/validation-memo';
import { DsqlPrivateLinkEndpoint } from '../src/private-link-endpoint';

describe('clientCidrProblem', () => {
  test.each(['10.0.0.0/16', '172.16.0.0/12', '192.168.1.0/24', '100.64.0.0/10'])('accepts the private block %s', (cidr) => {
    expect(clientCidrProblem(cidr)).toBeUndefined();
  });
  test.each([
    ['0.0.0.0/0', /every address/],
    ['::/0', /every address/],
    ['203.0.113.0/24', /not a private range \(RFC 1918 or 100\.64\.0\.0\/10\)/],
    // The endpoint is IPv4-only: an IPv6 block, unique-local or the VPC's own global one, can never match.
    ['fd00::/8', /is an IPv6 block, but the endpoint has IPv4 addresses only .*so it could never match/],
    ['2600:1f18:abcd:1200::/56', /is an IPv6 block, but the endpoint has IPv4 addresses only/],
    ['10.0.0.0/33', /./],
    ['not-a-cidr', /./],
  ])('refuses %s', (cidr, why) => {
    expect(clientCidrProblem(cidr)).toMatch(why);
  });
});

describe('ruleProblems', () => {
  test('an ingress rule from a public block, an IPv6 block or everywhere is a problem; private IPv4 blocks and group sources are not', () => {
    const problems = ruleProblems({
      ingress: [{ cidrIp: '10.0.0.0/16' }, { cidrIp: '0.0.0.0/0' }, { cidrIp: '198.51.100.0/24' }, { cidrIpv6: '2001:db8::/32' },
        { cidrIpv6: 'fd00::/64' }, { cidrIpv6: '::/0' }, { cidrIp: { Ref: 'Param' } }, {}],
      egress: [],
    });
    expect(problems.map((p) => [p.value, p.problem])).toEqual([
      ['0.0.0.0/0', 'has an ingress rule from every address'],
      ['198.51.100.0/24', 'has an ingress rule from a block that is not a private range'],
      ['2001:db8::/32', 'has an ingress rule from an IPv6 block, which could never match: the endpoint has IPv4 addresses only'],
      ['fd00::/64', 'has an ingress rule from an IPv6 block, which could never match: the endpoint has IPv4 addresses only'],
      ['::/0', 'has an ingress rule from every address'],
    ]);
  });

  test('the rule quota counts IPv4 and IPv6 separately, and group sources for both', () => {
    const v4 = Array.from({ length: 60 }, (_, i) => ({ cidrIp: `10.0.${i}.0/24` }));
    expect(ruleProblems({ ingress: v4, egress: [] })).toEqual([]);
    // An IPv6 rule is refused for what it is (it could never match), and does not count against the IPv4 quota.
    expect(ruleProblems({ ingress: [...v4, { cidrIpv6: 'fd00::/64' }], egress: [] }).map((p) => p.value)).toEqual(['fd00::/64']);
    const over = ruleProblems({ ingress: [...v4, {}], egress: [] });
    expect(over.map((p) => p.value)).toEqual(['61 inbound rules']);
    expect(ruleProblems({ ingress: [], egress: [...v4, { cidrIp: '10.9.0.0/16' }] }).map((p) => p.value)).toEqual(['61 outbound rules']);
  });
});

describe('rulesOf and peerCidr', () => {
  test('reads inline rules and separate ingress resources, and drops CDK\'s placeholder egress rule', () => {
    const s = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'a', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(s, 'Sg', { vpc, allowAllOutbound: false });
    sg.addIngressRule(ec2.Peer.ipv4('10.1.0.0/16'), ec2.Port.tcp(5432));
    const other = new ec2.SecurityGroup(s, 'Other', { vpc });
    sg.connections.allowFrom(other, ec2.Port.tcp(5432));
    const rules = rulesOf(sg);
    expect(rules.ingress.map((r) => r.cidrIp)).toEqual(['10.1.0.0/16', undefined]);
    expect(rules.egress).toEqual([]);
  });

  test('peerCidr gives the block of a CIDR peer and nothing for a security group', () => {
    const s = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'a', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(peerCidr(ec2.Peer.ipv4('10.0.0.0/8'))).toBe('10.0.0.0/8');
    expect(peerCidr(ec2.Peer.anyIpv6())).toBe('::/0');
    expect(peerCidr(new ec2.SecurityGroup(s, 'Sg', { vpc }))).toBeUndefined();
  });
});

describe('validation memo (rules resolved once per validation pass)', () => {
  test('computed once per pass for every check of the pass, and again in the next pass', () => {
    const app = new App();
    const s = new Stack(app, 'S');
    const key = {};
    let computed = 0;
    const seen: number[] = [];
    for (const id of ['A', 'B', 'C']) {
      new Construct(s, id).node.addValidation({ validate: () => { seen.push(validationMemo(s, 'test', key, () => ++computed)); return []; } });
    }
    app.synth();
    expect(seen).toEqual([1, 1, 1]);
    app.synth({ force: true });
    expect(seen).toEqual([1, 1, 1, 2, 2, 2]);
  });

  test('a second synthesis sees a rule added after the first (an endpoint\'s shared security group)', () => {
    const app = new App();
    const s = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(s, 'Vpc', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'a', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(s, 'Shared', { vpc, allowAllOutbound: false });
    const cluster = new SecureDsqlCluster(s, 'Db');
    new DsqlPrivateLinkEndpoint(s, 'One', { vpc, cluster, securityGroup: sg });
    new DsqlPrivateLinkEndpoint(s, 'Two', { vpc, cluster: new SecureDsqlCluster(s, 'Db2'), securityGroup: sg });
    expect(() => app.synth()).not.toThrow();
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432));
    expect(() => app.synth({ force: true })).toThrow(/S\/One: securityGroup has an ingress rule from every address \(got "0\.0\.0\.0\/0"\)[\s\S]*S\/Two: securityGroup has an ingress rule from every address/);
  });
});

/**
 * Security groups and all their rules, network ACLs and their entries and associations, routes, NAT
 * gateways, subnets, and VPCs that peering or a transit gateway connects.
 */
import { Str, Tri, hole, keyOf, literal } from '../../private/policy/values';
import { SubnetInfo } from '../model';
import { Acl, AclEntry, SecurityGroup, SgRule, defaultAcl } from '../network';
import { StackCtx, asArray } from './reader';
import type { Base, Networks } from './scope';
import { Collected } from './types';

export function readNetworks(input: Base): Networks {
  const { r, parentPath, ownerOf } = input;
  const securityGroups = new Map<string, SecurityGroup>();
  const defaultEgress = new Set<SecurityGroup>();
  const sgRules: Collected['securityGroupRules'] = [];
  const groupFor = (id: Str, path?: string, known = false): SecurityGroup => {
    const key = keyOf(id);
    let g = securityGroups.get(key);
    if (!g) securityGroups.set(key, g = { key, id, path, known, ingress: [], egress: [] });
    return g;
  };
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
  const sgRule = (ctx: StackCtx, raw: any, ingress: boolean, path: string): SgRule => {
    const get = (camel: string, pascal: string) => raw?.[camel] ?? raw?.[pascal];
    const cidrV = get('cidrIp', 'CidrIp') ?? get('cidrIpv6', 'CidrIpv6');
    const cidr = cidrV === undefined ? undefined : r.str(ctx, cidrV);
    const groupV = ingress ? get('sourceSecurityGroupId', 'SourceSecurityGroupId') : get('destinationSecurityGroupId', 'DestinationSecurityGroupId');
    const prefix = ingress ? get('sourcePrefixListId', 'SourcePrefixListId') : get('destinationPrefixListId', 'DestinationPrefixListId');
    const l = cidr ? literal(cidr) : undefined;
    return {
      protocol: String(get('ipProtocol', 'IpProtocol') ?? '-1'),
      from: num(get('fromPort', 'FromPort')),
      to: num(get('toPort', 'ToPort')),
      cidr: l,
      cidrUnknown: cidr !== undefined && l === undefined,
      group: groupV !== undefined ? r.str(ctx, groupV) : undefined,
      prefixList: prefix !== undefined,
      path,
    };
  };
  for (const cfn of r.of('AWS::EC2::SecurityGroup')) {
    const ctx = r.ctx(cfn);
    const id = r.selfRef(cfn);
    const g = groupFor(id, parentPath(cfn), true);
    const owner = ownerOf(cfn);
    const ingress = asArray(r.prop(cfn, 'securityGroupIngress')) ?? [];
    const egress = asArray(r.prop(cfn, 'securityGroupEgress'));
    for (const raw of ingress) {
      const rule = sgRule(ctx, raw, true, g.path!);
      g.ingress.push(rule);
      sgRules.push({ group: g.key, rule, ingress: true, inlineOf: owner, construct: owner });
    }
    // Without inline egress rules, EC2 adds its default rule: everything to everywhere
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html).
    if (!egress || egress.length === 0) defaultEgress.add(g);
    for (const raw of egress ?? []) g.egress.push(sgRule(ctx, raw, false, g.path!));
  }
  const separateEgress = new Set<SecurityGroup>();
  for (const [type, ingress] of [['AWS::EC2::SecurityGroupIngress', true], ['AWS::EC2::SecurityGroupEgress', false]] as const) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      const groupId = r.str(ctx, r.prop(cfn, 'groupId'));
      if (!groupId) continue;
      const raw: Record<string, unknown> = {};
      for (const k of ['ipProtocol', 'fromPort', 'toPort', 'cidrIp', 'cidrIpv6', 'sourceSecurityGroupId', 'destinationSecurityGroupId', 'sourcePrefixListId', 'destinationPrefixListId']) {
        if ((cfn as any)[k] !== undefined) raw[k] = r.prop(cfn, k);
      }
      const g = groupFor(groupId);
      const rule = sgRule(ctx, raw, ingress, r.path(cfn));
      (ingress ? g.ingress : g.egress).push(rule);
      if (ingress) sgRules.push({ group: g.key, rule, ingress: true, construct: cfn });
      else separateEgress.add(g);
    }
  }
  for (const g of defaultEgress) {
    // Whether the default rule survives separate AWS::EC2::SecurityGroupEgress resources is not documented
    // (aws-cdk-lib assumes it is removed): then it counts as unknown, never as allowing.
    g.egress.push(separateEgress.has(g) ? { protocol: '-1', cidrUnknown: true, path: g.path } : { protocol: '-1', cidr: '0.0.0.0/0', path: g.path });
  }

  const acls = new Map<string, Acl>();
  const aclEntries = new Map<string, AclEntry[]>();
  for (const cfn of r.of('AWS::EC2::NetworkAclEntry')) {
    const ctx = r.ctx(cfn);
    const aclId = r.str(ctx, r.prop(cfn, 'networkAclId'));
    if (!aclId) continue;
    const cidrV = r.prop(cfn, 'cidrBlock') ?? r.prop(cfn, 'ipv6CidrBlock');
    const cidr = cidrV === undefined ? undefined : literal(r.str(ctx, cidrV) ?? [hole('?')]);
    const range = r.prop(cfn, 'portRange');
    const action = String(r.prop(cfn, 'ruleAction') ?? '').toLowerCase();
    const entry: AclEntry = {
      ruleNumber: num(r.prop(cfn, 'ruleNumber')) ?? 0,
      egress: r.prop(cfn, 'egress') === true || r.prop(cfn, 'egress') === 'true',
      protocol: num(r.prop(cfn, 'protocol')) ?? -1,
      allow: action === 'allow',
      cidr,
      from: num(range?.from ?? range?.From),
      to: num(range?.to ?? range?.To),
      path: cfn.node.path,
    };
    const key = keyOf(aclId);
    const list = aclEntries.get(key) ?? [];
    list.push(entry);
    aclEntries.set(key, list);
  }
  for (const cfn of r.of('AWS::EC2::NetworkAcl')) {
    const key = keyOf(r.selfRef(cfn));
    acls.set(key, { key, path: parentPath(cfn), entries: aclEntries.get(key) ?? [], known: true });
  }
  const vpcs = new Map<string, { path: string; defaultAcl: string }>();
  for (const cfn of r.of('AWS::EC2::VPC')) {
    const vpcKey = keyOf(r.selfRef(cfn));
    const aclKey = keyOf(r.selfAtt(cfn, 'DefaultNetworkAcl'));
    vpcs.set(vpcKey, { path: parentPath(cfn), defaultAcl: aclKey });
    acls.set(aclKey, defaultAcl(aclKey, `the default network ACL of ${parentPath(cfn)}`, aclEntries.get(aclKey) ?? []));
  }
  const aclAssociations: Collected['aclAssociations'] = [];
  const aclOfSubnet = new Map<string, string>();
  for (const cfn of r.of('AWS::EC2::SubnetNetworkAclAssociation')) {
    const ctx = r.ctx(cfn);
    const subnet = r.str(ctx, r.prop(cfn, 'subnetId'));
    const acl = r.str(ctx, r.prop(cfn, 'networkAclId'));
    if (!subnet || !acl) continue;
    const aclKey = keyOf(acl);
    aclAssociations.push({ subnet: keyOf(subnet), subnetPath: '', acl: aclKey, aclPath: acls.get(aclKey)?.path ?? cfn.node.path, path: cfn.node.path });
    aclOfSubnet.set(keyOf(subnet), aclKey);
  }
  for (const key of aclOfSubnet.values()) {
    if (!acls.has(key)) acls.set(key, { key, path: key, entries: aclEntries.get(key) ?? [], known: false });
  }

  const natSubnet = new Map<string, string>();
  for (const cfn of r.of('AWS::EC2::NatGateway')) {
    const ctx = r.ctx(cfn);
    const subnet = r.str(ctx, r.prop(cfn, 'subnetId'));
    const privateNat = String(r.prop(cfn, 'connectivityType') ?? 'public') === 'private';
    if (subnet && !privateNat) natSubnet.set(keyOf(r.selfRef(cfn)), keyOf(subnet));
  }
  const defaultRoute = new Map<string, { nat?: string; igw: boolean; other: boolean }>();
  for (const cfn of r.of('AWS::EC2::Route')) {
    const ctx = r.ctx(cfn);
    const dest = r.prop(cfn, 'destinationCidrBlock');
    if (dest !== '0.0.0.0/0') continue;
    const table = r.str(ctx, r.prop(cfn, 'routeTableId'));
    if (!table) continue;
    const nat = r.str(ctx, r.prop(cfn, 'natGatewayId'));
    const gateway = r.str(ctx, r.prop(cfn, 'gatewayId'));
    const entry = defaultRoute.get(keyOf(table)) ?? { igw: false, other: false };
    if (nat) entry.nat = keyOf(nat);
    else if (gateway && (literal(gateway)?.startsWith('igw-') || (typeof gateway[0] === 'string' && gateway[0].startsWith('igw-')))) entry.igw = true;
    else entry.other = true;
    defaultRoute.set(keyOf(table), entry);
  }
  const tableOfSubnet = new Map<string, string>();
  for (const cfn of r.of('AWS::EC2::SubnetRouteTableAssociation')) {
    const ctx = r.ctx(cfn);
    const subnet = r.str(ctx, r.prop(cfn, 'subnetId'));
    const table = r.str(ctx, r.prop(cfn, 'routeTableId'));
    if (subnet && table) tableOfSubnet.set(keyOf(subnet), keyOf(table));
  }
  const subnets = new Map<string, SubnetInfo>();
  for (const cfn of r.of('AWS::EC2::Subnet')) {
    const ctx = r.ctx(cfn);
    const key = keyOf(r.selfRef(cfn));
    const vpc = r.str(ctx, r.prop(cfn, 'vpcId'));
    const cidrS = r.str(ctx, r.prop(cfn, 'cidrBlock'));
    const table = tableOfSubnet.get(key);
    const route = table ? defaultRoute.get(table) : undefined;
    const natRoute: Tri = route?.nat ? true : route?.other ? undefined : false;
    subnets.set(key, {
      key,
      path: parentPath(cfn),
      vpc,
      cidr: cidrS ? literal(cidrS) : undefined,
      aclKey: aclOfSubnet.get(key) ?? (vpc ? vpcs.get(keyOf(vpc))?.defaultAcl : undefined),
      natRoute,
      igwRoute: route?.igw,
      natSubnetKey: route?.nat ? natSubnet.get(route.nat) : undefined,
    });
  }
  for (const a of aclAssociations) a.subnetPath = subnets.get(a.subnet)?.path ?? a.subnet;
  const subnetKey = (s: Str): string => {
    const key = keyOf(s);
    if (!subnets.has(key)) {
      const l = literal(s);
      subnets.set(key, { key, path: l ?? key, aclKey: aclOfSubnet.get(key), natRoute: undefined });
    }
    return key;
  };

  const connectedVpcs = new Set<string>();
  for (const type of ['AWS::EC2::VPCPeeringConnection', 'AWS::EC2::TransitGatewayAttachment', 'AWS::EC2::TransitGatewayVpcAttachment']) {
    for (const cfn of r.of(type)) {
      const ctx = r.ctx(cfn);
      for (const prop of ['vpcId', 'peerVpcId']) {
        const v = r.str(ctx, r.prop(cfn, prop));
        if (v) connectedVpcs.add(keyOf(v));
      }
    }
  }

  return { securityGroups, sgRules, acls, aclAssociations, subnets, subnetKey, connectedVpcs };
}

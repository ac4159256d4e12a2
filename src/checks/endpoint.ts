/**
 * Interface VPC endpoints to Aurora DSQL, their security groups and the ingress rules of those groups, as far
 * as the template shows them (rules defined in other stacks or outside CloudFormation are not seen).
 */
import { ResourceView, TemplateView } from './rule';
import { flatten, isObject, referenceOf, resourcesOfType, toList } from './template';
import { MANAGEMENT_SERVICE_NAME, SERVICE_NAME } from '../private/facts/patterns';

export type DsqlEndpointKind = 'connection' | 'management';

/**
 * Which Aurora DSQL service an AWS::EC2::VPCEndpoint connects to, if any:
 * - connection: a cluster's `VpcEndpointServiceName` attribute, or `com.amazonaws.<region>.dsql-<suffix>`;
 * - management: `com.amazonaws.<region>.dsql` (aws-cdk-lib `InterfaceVpcEndpointAwsService.DSQL_MANAGEMENT`).
 */
export function dsqlEndpointKind(endpoint: ResourceView): DsqlEndpointKind | undefined {
  if (endpoint.type !== 'AWS::EC2::VPCEndpoint') return undefined;
  const name = endpoint.properties.ServiceName;
  const ref = referenceOf(name);
  if (ref?.attribute === 'VpcEndpointServiceName') return 'connection';
  const text = flatten(name);
  if (text === undefined) return undefined;
  // The Region part may be a reference (`<AWS::Region>`): the patterns judge the rest of the name.
  const normalised = text.replace(/^com\.amazonaws\.<[^>]*>\./, 'com.amazonaws.region.');
  if (SERVICE_NAME.test(normalised)) return 'connection';
  if (MANAGEMENT_SERVICE_NAME.test(normalised)) return 'management';
  return undefined;
}

/** A security group of an endpoint: a group of the template, or one known by its id only. */
export interface EndpointGroup {
  readonly label: string;
  readonly resource?: ResourceView;
  readonly groupId?: string;
}

/** The security groups of an endpoint; undefined when it has no `SecurityGroupIds` (the VPC's default group applies). */
export function endpointGroups(endpoint: ResourceView, template: TemplateView): EndpointGroup[] | undefined {
  const ids = endpoint.properties.SecurityGroupIds;
  if (ids === undefined) return undefined;
  const groups: EndpointGroup[] = [];
  for (const value of toList(ids)) {
    const ref = referenceOf(value);
    if (ref && (ref.attribute === undefined || ref.attribute === 'GroupId')) {
      const resource = template.resources.get(ref.logicalId);
      if (resource?.type === 'AWS::EC2::SecurityGroup') groups.push({ label: ref.logicalId, resource });
      continue;
    }
    if (typeof value === 'string') groups.push({ label: value, groupId: value });
  }
  return groups;
}

/** One ingress rule of a security group, and where it is written. */
export interface IngressRule {
  /** The logical id of the resource that holds the rule. */
  readonly definedIn: string;
  readonly ipProtocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  readonly cidrIp: unknown;
  readonly cidrIpv6: unknown;
  readonly sourceSecurityGroupId: unknown;
  readonly sourcePrefixListId: unknown;
}

function ruleOf(definedIn: string, p: Record<string, any>): IngressRule {
  return {
    definedIn,
    ipProtocol: p.IpProtocol,
    fromPort: p.FromPort,
    toPort: p.ToPort,
    cidrIp: p.CidrIp,
    cidrIpv6: p.CidrIpv6,
    sourceSecurityGroupId: p.SourceSecurityGroupId,
    sourcePrefixListId: p.SourcePrefixListId,
  };
}

/** The ingress rules of a group: inline on the AWS::EC2::SecurityGroup, and AWS::EC2::SecurityGroupIngress resources naming it. */
export function ingressRules(group: EndpointGroup, template: TemplateView): IngressRule[] {
  const rules: IngressRule[] = [];
  if (group.resource) {
    for (const p of toList(group.resource.properties.SecurityGroupIngress).filter(isObject)) {
      rules.push(ruleOf(group.resource.logicalId, p));
    }
  }
  for (const ingress of resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')) {
    const target = ingress.properties.GroupId;
    const ref = referenceOf(target);
    const matches = group.resource
      ? ref !== undefined && ref.logicalId === group.resource.logicalId && (ref.attribute === undefined || ref.attribute === 'GroupId')
      : typeof target === 'string' && target === group.groupId;
    if (matches) rules.push(ruleOf(ingress.logicalId, ingress.properties));
  }
  return rules;
}

/** How to name a rule of a group in a finding: `<group> admits <source> on <ports>[ (rule <logical id>)]`. */
export function describeRule(group: EndpointGroup, rule: IngressRule): string {
  const source = flatten(rule.cidrIp) ?? flatten(rule.cidrIpv6) ?? flatten(rule.sourceSecurityGroupId)
    ?? flatten(rule.sourcePrefixListId) ?? 'an unknown source';
  const where = rule.definedIn === group.label ? '' : ` (rule ${rule.definedIn})`;
  return `${group.label} admits ${source} on ${describePorts(rule)}${where}`;
}

export function describePorts(rule: IngressRule): string {
  const protocol = String(rule.ipProtocol).toLowerCase();
  if (protocol === '-1') return 'all traffic';
  const name = protocol === '6' ? 'tcp' : protocol === '17' ? 'udp' : protocol;
  return rule.fromPort === rule.toPort ? `${name} ${rule.fromPort}` : `${name} ${rule.fromPort}-${rule.toPort}`;
}

/** The literal IPv4 CIDR blocks of a VPC of the template (its `CidrBlock` and AWS::EC2::VPCCidrBlock additions). */
export function vpcCidrBlocks(vpc: ResourceView, template: TemplateView): string[] {
  const blocks: string[] = [];
  if (typeof vpc.properties.CidrBlock === 'string') blocks.push(vpc.properties.CidrBlock);
  for (const extra of resourcesOfType(template, 'AWS::EC2::VPCCidrBlock')) {
    if (referenceOf(extra.properties.VpcId)?.logicalId === vpc.logicalId && typeof extra.properties.CidrBlock === 'string') {
      blocks.push(extra.properties.CidrBlock);
    }
  }
  return blocks;
}

/** Whether a value contains a `Fn::GetAtt` of a VPC's CIDR attribute (`CidrBlock`, `Ipv6CidrBlocks`…). */
export function referencesVpcCidr(value: unknown, template: TemplateView): string | undefined {
  const ref = referenceOf(value);
  if (ref?.attribute && /cidr/i.test(ref.attribute) && template.resources.get(ref.logicalId)?.type === 'AWS::EC2::VPC') {
    return ref.logicalId;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = referencesVpcCidr(v, template);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const v of Object.values(value)) {
      const found = referencesVpcCidr(v, template);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Where clients run: Lambda functions (VPC configuration) and ECS services (awsvpc subnets, security
 * groups, public address), by the role they use.
 */
import { CfnResource } from 'aws-cdk-lib';
import { Str, keyOf } from '../../private/policy/values';
import { Placement } from '../model';
import type { Base, Networks, Placements } from './scope';

export function readPlacements(input: Base & Networks): Placements {
  const { r, parentPath, subnets, subnetKey } = input;
  const placementOfFunction = new Map<CfnResource, Placement>();
  const functionsByRole = new Map<string, CfnResource[]>();
  const useRole = (role: Str | undefined, cfn: CfnResource) => {
    if (!role) return;
    const list = functionsByRole.get(keyOf(role)) ?? [];
    list.push(cfn);
    functionsByRole.set(keyOf(role), list);
  };
  for (const cfn of r.of('AWS::Lambda::Function')) useRole(r.str(r.ctx(cfn), r.prop(cfn, 'role')), cfn);
  const taskRoles = new Map<string, Str>();
  for (const cfn of r.of('AWS::ECS::TaskDefinition')) {
    const role = r.str(r.ctx(cfn), r.prop(cfn, 'taskRoleArn'));
    if (role) taskRoles.set(keyOf(r.selfRef(cfn)), role);
  }
  for (const cfn of r.of('AWS::ECS::Service')) {
    const td = r.str(r.ctx(cfn), r.prop(cfn, 'taskDefinition'));
    if (td) useRole(taskRoles.get(keyOf(td)), cfn);
  }
  const servicePlacement = (cfn: CfnResource): Placement => {
    const ctx = r.ctx(cfn);
    const via = parentPath(cfn);
    const net = r.prop(cfn, 'networkConfiguration');
    const config = net?.awsvpcConfiguration ?? net?.AwsvpcConfiguration;
    if (!config) return { kind: 'unknown', reason: `${via} does not use the awsvpc network mode: its tasks use the network of their container instances` };
    const subnetIds = r.list(ctx, config.subnets ?? config.Subnets);
    const groups = r.list(ctx, config.securityGroups ?? config.SecurityGroups);
    if (!subnetIds || !groups || subnetIds.length === 0 || groups.length === 0) {
      return { kind: 'unknown', reason: `the subnets or security groups of ${via} are deploy-time values or defaults` };
    }
    const keys = subnetIds.map(subnetKey);
    const vpcIds = keys.map((k) => subnets.get(k)?.vpc).filter((v): v is Str => v !== undefined);
    const publicIp = String(config.assignPublicIp ?? config.AssignPublicIp ?? 'DISABLED') === 'ENABLED';
    return { kind: 'vpc', via, vpc: vpcIds[0], subnets: keys, securityGroups: groups, publicIp: publicIp || undefined };
  };
  const placementOf = (cfn: CfnResource): Placement => {
    let p = placementOfFunction.get(cfn);
    if (p) return p;
    if (cfn.cfnResourceType === 'AWS::ECS::Service') {
      p = servicePlacement(cfn);
      placementOfFunction.set(cfn, p);
      return p;
    }
    const ctx = r.ctx(cfn);
    const via = parentPath(cfn);
    const config = r.prop(cfn, 'vpcConfig');
    const subnetIds = config ? r.list(ctx, config.subnetIds ?? config.SubnetIds) : [];
    const groups = config ? r.list(ctx, config.securityGroupIds ?? config.SecurityGroupIds) : [];
    if (!config || (subnetIds && subnetIds.length === 0)) {
      p = { kind: 'outside-vpc', via };
    } else if (!subnetIds || !groups) {
      p = { kind: 'unknown', reason: `the subnets or security groups of ${via} are deploy-time values` };
    } else {
      const keys = subnetIds.map(subnetKey);
      const vpcIds = keys.map((k) => subnets.get(k)?.vpc).filter((v): v is Str => v !== undefined);
      p = { kind: 'vpc', via, vpc: vpcIds[0], subnets: keys, securityGroups: groups };
    }
    placementOfFunction.set(cfn, p);
    return p;
  };
  const samePlacement = (a: Placement, b: Placement) => JSON.stringify({ ...a, via: '' }) === JSON.stringify({ ...b, via: '' });

  return { functionsByRole, placementOf, samePlacement };
}

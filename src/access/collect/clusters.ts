/**
 * Clusters: every AWS::DSQL::Cluster of the app with its resource policy (the library's document, the L1's
 * property or its override), and the library's imported clusters with their declared conditions.
 */
import { CfnResource, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { jsonWithIntrinsics, overridden } from './reader';
import type { Base, Clusters } from './scope';
import { CollectedCluster } from './types';
import type { IDsqlCluster } from '../../cluster-ref';
import { renderConnectConditions } from '../../private/conditions';
import { Policy } from '../../private/policy/evaluate';
import { keyOf, lit } from '../../private/policy/values';
import { ClusterInfo } from '../model';

export function readClusters(input: Base): Clusters {
  const { r, registry, parsePolicy, parentPath, ownerOf, constructs } = input;
  const clusters: CollectedCluster[] = [];
  const clusterByArn = new Map<string, CollectedCluster>();
  const registered = new Map<IConstruct, IDsqlCluster>();
  for (const c of registry.clusters) {
    const cfn = c.node.defaultChild;
    if (cfn && CfnResource.isCfnResource(cfn)) registered.set(cfn, c);
    else registered.set(c, c);
  }
  for (const cfn of r.of('AWS::DSQL::Cluster')) {
    const ctx = r.ctx(cfn);
    const owner = registered.get(cfn);
    const path = owner ? owner.node.path : parentPath(cfn);
    const arn = r.selfAtt(cfn, 'ResourceArn');
    const own = (owner as unknown as { resourcePolicy?: unknown } | undefined)?.resourcePolicy;
    const rawPolicy = (cfn as unknown as { policyDocument?: unknown }).policyDocument;
    let policy: Policy | undefined;
    if (own instanceof iam.PolicyDocument && Token.isUnresolved(rawPolicy) && !overridden(cfn, 'policyDocument')) {
      // The library's cluster renders this document into the L1's PolicyDocument (as a JSON string).
      policy = own.isEmpty ? undefined : parsePolicy(ctx, r.resolve(cfn, own), path);
    } else if (rawPolicy !== undefined || overridden(cfn, 'policyDocument')) {
      const value = r.prop(cfn, 'policyDocument');
      const doc = value === undefined ? undefined : jsonWithIntrinsics(value);
      // A deletion override removes the policy; a document that cannot be read is unknown.
      if (value !== undefined) policy = doc === undefined ? { name: path, statements: [], unknown: true } : parsePolicy(ctx, doc, path);
    }
    const info: ClusterInfo = {
      key: keyOf(arn),
      path,
      arn,
      account: r.account(ctx),
      imported: false,
      policyKnown: true,
      policy,
      serviceName: r.selfAtt(cfn, 'VpcEndpointServiceName'),
      auditedBy: [],
    };
    const collected = { info, construct: owner ?? ownerOf(cfn), cfn, selfId: cfn.node.path, stackPath: ctx.sid, declared: owner };
    clusters.push(collected);
    clusterByArn.set(info.key, collected);
    constructs.set(path, collected.construct);
  }
  for (const c of registry.clusters) {
    if (c.node.defaultChild && CfnResource.isCfnResource(c.node.defaultChild)) continue;
    const ctx = r.ctx(c);
    const arn = r.str(ctx, r.resolve(c, c.clusterArn))!;
    if (clusterByArn.has(keyOf(arn))) continue;
    let policy: Policy | undefined;
    if (c.connectConditions) {
      const statements = renderConnectConditions(c.connectConditions, { resources: ['*'], principal: new iam.AnyPrincipal() });
      policy = parsePolicy(ctx, r.resolve(c, { Statement: statements.map((s) => s.toStatementJson()) }), `${c.node.path} (declared connectConditions)`);
    }
    const account = c.env.account;
    const info: ClusterInfo = {
      key: keyOf(arn),
      path: c.node.path,
      arn,
      imported: true,
      policy,
      policyKnown: c.connectConditions !== undefined,
      account: Token.isUnresolved(account) ? r.str(ctx, r.resolve(c, account))! : lit(account),
      serviceName: c.vpcEndpointServiceName !== undefined ? r.str(ctx, r.resolve(c, c.vpcEndpointServiceName)) : undefined,
      auditedBy: [],
    };
    const collected = { info, construct: c, declared: c };
    clusters.push(collected);
    clusterByArn.set(info.key, collected);
    constructs.set(c.node.path, c);
  }

  return { clusters, clusterByArn };
}

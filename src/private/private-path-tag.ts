import { CfnResource, TagManager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The tag that marks an interface VPC endpoint as part of a cluster's private path. Its value is the
 * cluster's connection service name (`com.amazonaws.<region>.dsql-xxxx`). Public as
 * `DsqlPrivatePathAdminPolicy.TAG_KEY`.
 *
 * Needed because `ec2:ModifyVpcEndpoint` does not support the `ec2:VpceServiceName` condition key
 * (Service Authorization Reference, Amazon EC2): modifications can only be scoped by a resource tag.
 */
export const PRIVATE_PATH_TAG_KEY = 'secure-dsql:private-path';

/**
 * The priority of the library's private-path tags. They are set on the L1 resources when the library creates
 * the path (no aspect per resource to visit at synth), one above the priority of `Tags.of(scope).add` (100):
 * so they behave as an aspect of the library's own constructs did, which aws-cdk-lib applies after the aspects
 * of the constructs above them. A `Tags.of(app).add` of the same key at the default priority does not replace
 * them, one with a higher priority does, and `Tags.of(scope).remove` (priority 200) removes them.
 */
export const PRIVATE_PATH_TAG_PRIORITY = 101;

/**
 * Tag the resources of `resourceType` in `scope`'s subtree as part of a private path (`value`: the service
 * name, or `PRIVATE_PATH_SUBNET_TAG_VALUE` on subnets).
 */
export function tagPrivatePathResources(scope: IConstruct, resourceType: string, value: string): void {
  for (const c of scope.node.findAll()) {
    const tags = CfnResource.isCfnResource(c) && c.cfnResourceType === resourceType ? TagManager.of(c) : undefined;
    tags?.setTag(PRIVATE_PATH_TAG_KEY, value, PRIVATE_PATH_TAG_PRIORITY, true);
  }
}

/** Tag every interface VPC endpoint in `scope`'s subtree as part of the private path of `serviceName`. */
export function tagPrivatePath(scope: IConstruct, serviceName: string): void {
  tagPrivatePathResources(scope, 'AWS::EC2::VPCEndpoint', serviceName);
}

/**
 * The value of the private-path tag on the subnets of a private path (those the endpoint puts its network ACL
 * on). Not the service name: a subnet tag that referenced the cluster's service name would make the subnet
 * depend on the cluster, and so form a dependency cycle with any client in that VPC whose role the cluster's
 * policy admits (the subnet, the cluster, the role, the subnet's route-table association). The guardrail and
 * the admin policy match this value, with the service names, on network resources.
 */
export const PRIVATE_PATH_SUBNET_TAG_VALUE = 'secure-dsql-private-path-subnet';

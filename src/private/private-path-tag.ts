import { Tags } from 'aws-cdk-lib';
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

/** Tag every interface VPC endpoint in `scope`'s subtree as part of the private path of `serviceName`. */
export function tagPrivatePath(scope: IConstruct, serviceName: string): void {
  Tags.of(scope).add(PRIVATE_PATH_TAG_KEY, serviceName, { includeResourceTypes: ['AWS::EC2::VPCEndpoint'] });
}

/**
 * The value of the private-path tag on the subnets of a private path (those the endpoint puts its network ACL
 * on). Not the service name: a subnet tag that referenced the cluster's service name would make the subnet
 * depend on the cluster, and so form a dependency cycle with any client in that VPC whose role the cluster's
 * policy admits (the subnet, the cluster, the role, the subnet's route-table association). The guardrail and
 * the admin policy match this value, with the service names, on network resources.
 */
export const PRIVATE_PATH_SUBNET_TAG_VALUE = 'secure-dsql-private-path-subnet';

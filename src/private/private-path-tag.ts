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

import { CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { SERVICE_NAME_RESOURCE_TYPE, ServiceNameResourceProperties } from './handlers/dsql-cluster/properties';
import { ServiceNameFunction } from './handlers/service-name-function';
import { fail } from './private/errors';
import { acknowledgeCustomResourceFunctions } from './private/nag';

/** Properties of VpcEndpointServiceNameLookup. */
export interface VpcEndpointServiceNameLookupProps {
  /** The cluster identifier. */
  readonly clusterIdentifier: string;
  /** The cluster ARN: the only resource the lookup may read. */
  readonly clusterArn: string;
  /** The cluster's Region: the API is called there. */
  readonly region: string;
  /** The cluster's account. */
  readonly account: string;
}

/**
 * The PrivateLink service name of an imported cluster, read at deploy time (`dsql:GetVpcEndpointServiceName`)
 * instead of at synth. Internal: an imported cluster creates it when a private endpoint needs the name.
 *
 * A custom resource whose function may call `dsql:GetVpcEndpointServiceName` on this one cluster only, and
 * whose handler reads the cluster its properties name and checks the answer is a connection service name of
 * that Region before the template uses it.
 */
export class VpcEndpointServiceNameLookup extends Construct {
  /** The service name, a token resolved at deploy time. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: VpcEndpointServiceNameLookupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(props.account) && !Token.isUnresolved(stack.account) && props.account !== stack.account) {
      fail(this, 'vpcEndpointServiceName', undefined,
        `is not given and cannot be looked up: the cluster is in account ${props.account}, the stack in ${stack.account}`,
        'Give vpcEndpointServiceName to fromClusterAttributes (`aws dsql get-vpc-endpoint-service-name --identifier <id>` in the cluster\'s account).');
    }

    const handler = new ServiceNameFunction(this, 'Handler', {
      description: 'secure-dsql: reads the PrivateLink service name of one imported Aurora DSQL cluster',
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['dsql:GetVpcEndpointServiceName'],
      resources: [props.clusterArn],
    }));
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: handler });
    acknowledgeCustomResourceFunctions(handler, provider, {
      handlerInVpc: false,
      outsideVpcReason: 'The handler calls only the Aurora DSQL control-plane API (GetVpcEndpointServiceName), over HTTPS with '
        + 'SigV4, at deploy time; it reaches nothing in a VPC.',
      inlinePolicyReason: 'The only inline statement is dsql:GetVpcEndpointServiceName on this one cluster, for this function\'s '
        + 'own role: read-only, not attachable to another identity, deleted with the function.',
    });

    const properties: ServiceNameResourceProperties = {
      ClusterIdentifier: props.clusterIdentifier,
      Region: props.region,
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: SERVICE_NAME_RESOURCE_TYPE,
      properties: properties as unknown as Record<string, unknown>,
    });
    this.serviceName = resource.getAttString('ServiceName');
  }
}

import { Annotations, CfnOutput, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { registerPrivateLinkEndpoint } from './access/registry';
import type { IDsqlCluster } from './cluster-ref';
import type { DsqlNetworkAclOptions, DsqlPrivateLinkEndpointOptions, IDsqlPrivateLinkEndpoint } from './endpoint-ref';
import { PrincipalAllowList } from './private/allow-list';
import { renderConnectConditions } from './private/conditions';
import { fail, failureMessage, show, validateAll } from './private/errors';
import { CONNECT_ACTIONS } from './private/facts/actions';
import { CONNECTION_PORT as DSQL_PORT, MANAGEMENT_PORT } from './private/facts/ports';
import { privateHostName } from './private/host-names';
import { NaclPlan, planNaclRules, quotaCount } from './private/nacl';
import { markLibraryOwner } from './private/owner-marker';
import { PRIVATE_PATH_SUBNET_TAG_VALUE, PRIVATE_PATH_TAG_KEY, tagPrivatePath, tagPrivatePathResources } from './private/private-path-tag';
import { PropRule, checkArgument, checkPropShape, listRule } from './private/prop-shape';
import { QUOTAS, lengthOverQuota } from './private/quota';
import { checkClientCidr, checkPeer, securityGroupProblems } from './private/security-group-rules';
import { IAM_PRINCIPAL_ARN, requireNonEmpty, requireUnique, validatePattern } from './private/validation';
import { conflictingPrivateDnsEndpoints, knownVpcCidr, publicSubnetsAmong, uncomparablePrivateDnsEndpoints } from './private/vpc-endpoints';
import { WARNING_IDS, warnAtSynth } from './private/warnings';

/**
 * The read-only management actions the management endpoint admits by default.
 */
const DEFAULT_MANAGEMENT_ACTIONS = ['dsql:GetCluster', 'dsql:GetVpcEndpointServiceName', 'dsql:ListClusters', 'dsql:ListTagsForResource'];

/** The shape of the props (src/private/prop-shape.ts): what a JavaScript or jsii caller may get wrong. */
const ENDPOINT_SHAPE: PropRule[] = [
  { path: 'vpc', kind: 'object', required: true, fix: 'Give the VPC to create the endpoint in: { vpc: myVpc }.' },
  { path: 'cluster', kind: 'object', required: true, fix: 'Give the cluster the endpoint serves, or use cluster.addPrivateLinkEndpoint(id, { vpc }).' },
  { path: 'vpcSubnets', kind: 'object', fix: 'Give a subnet selection such as { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }.' },
  { path: 'subnets', kind: 'object', fix: 'Give a subnet selection such as { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }.' },
  listRule('allowedClients', 'Give allowedClients as a list, e.g. allowedClients: [fn].', false, 'object'),
  listRule('allowedPrincipalArns', 'Give allowedPrincipalArns as a list of ARNs, e.g. ["arn:aws:iam::123456789012:role/app"].', false, 'string'),
  { path: 'networkAcl', kind: 'object', fix: 'Give networkAcl as { allowedCidrs: ["10.0.0.0/16"] }, or leave it out.' },
  listRule('networkAcl.allowedCidrs', 'Give the client networks as a list, e.g. networkAcl: { allowedCidrs: ["10.0.0.0/16"] }, or leave networkAcl out.', true, 'string'),
  { path: 'networkAcl.maxRulesPerDirection', kind: 'number', fix: 'Give a number from 1 to 40, or leave it out for 20.' },
  { path: 'privateDnsEnabled', kind: 'boolean', fix: 'Give true or false.' },
  { path: 'managementEndpoint', kind: 'boolean', fix: 'Give true or false.' },
  listRule('managementActions', 'Give managementActions as a list, e.g. ["dsql:GetCluster"].', false, 'string'),
  { path: 'securityGroup', kind: 'object', fix: 'Give an ec2.ISecurityGroup, or leave it out for a new one.' },
];

/**
 * Properties of a DsqlPrivateLinkEndpoint.
 */
export interface DsqlPrivateLinkEndpointProps extends DsqlPrivateLinkEndpointOptions {
  /**
   * The cluster the endpoint serves. More clusters with the same service name can be added with
   * `addCluster`.
   */
  readonly cluster: IDsqlCluster;
}

/**
 * A private path to Aurora DSQL clusters: an interface VPC endpoint for the clusters' connection service
 * on TCP 5432, with private DNS, its own security group that admits only the clients you name, an
 * endpoint policy that admits connections to the served clusters only (and only for the principals you
 * name), and optionally a network ACL on its subnets and a management endpoint.
 *
 * Clients connect to `hostNameFor(cluster)` on 5432 with TLS and an authentication token signed for that
 * host name.
 *
 * @resource AWS::EC2::VPCEndpoint
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const cluster: SecureDsqlCluster;
 * declare const fn: lambda.Function;
 * const endpoint = new DsqlPrivateLinkEndpoint(this, 'Private', { vpc: vpc, cluster: cluster, allowedClients: [fn] });
 * fn.addEnvironment('DSQL_HOST', endpoint.hostNameFor(cluster));
 */
export class DsqlPrivateLinkEndpoint extends Resource implements IDsqlPrivateLinkEndpoint {
  /** The VPC the endpoint is in. */
  public readonly vpc: ec2.IVpc;
  /** The security group connections of the endpoint; the default port is 5432. */
  public readonly connections: ec2.Connections;
  /** The interface endpoint of the connection service. */
  public readonly endpoint: ec2.InterfaceVpcEndpoint;
  /** The endpoint id (`vpce-…`), e.g. for `DsqlConnectConditions.sourceVpcEndpointIds`. */
  public readonly vpcEndpointId: string;
  /** The security group of the endpoint's network interfaces. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The PrivateLink service name the endpoint connects to. */
  public readonly serviceName: string;
  /** The host name clients use for the cluster given at creation. */
  public readonly hostName: string;
  /** The network ACL on the endpoint subnets, when `networkAcl` is set. */
  public readonly networkAcl?: ec2.NetworkAcl;
  /** The management API endpoint, when `managementEndpoint` is true. */
  public readonly managementEndpoint?: ec2.InterfaceVpcEndpoint;

  private readonly clusters: IDsqlCluster[] = [];
  private readonly principalAllowList?: PrincipalAllowList;
  private readonly connectPolicy = new iam.PolicyDocument();
  private readonly allowConnect: iam.PolicyStatement;
  private readonly managementPolicy?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: DsqlPrivateLinkEndpointProps) {
    super(scope, id);
    checkPropShape(this, props, ENDPOINT_SHAPE);
    markLibraryOwner(this, 'private-link-endpoint');
    this.vpc = props.vpc;
    // Every problem of the props at once (each check stops at its own first problem).
    let serviceName = '';
    let subnets: ec2.ISubnet[] = [];
    let naclPlan: NaclPlan | undefined;
    validateAll(this, [
      () => { serviceName = this.serviceNameOf(props.cluster); },
      ...this.propChecks(props),
      () => { subnets = this.selectSubnets(props.vpc, this.subnetSelection(props)); },
      () => { if (props.managementEndpoint) this.validateManagementActions(props.managementActions ?? DEFAULT_MANAGEMENT_ACTIONS); },
      () => { if (props.networkAcl) naclPlan = this.planNetworkAcl(props.networkAcl, props.managementEndpoint ?? false); },
    ]);
    this.serviceName = serviceName;

    const privateDns = props.privateDnsEnabled ?? true;

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Aurora DSQL PrivateLink endpoint: TCP 5432 from the allowed clients only',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(DSQL_PORT) });

    this.allowConnect = new iam.PolicyStatement({
      sid: 'AllowConnectToServedClusters',
      principals: [new iam.StarPrincipal()],
      actions: [...CONNECT_ACTIONS],
      conditions: {
        StringEquals: { 'aws:PrincipalAccount': Lazy.list({ produce: () => this.accounts() }) },
      },
    });
    if (props.allowedPrincipalArns) {
      // Rendered lazily, so that the library can admit the principals it needs (the database-role handler).
      this.principalAllowList = PrincipalAllowList.register(this, 'allowedPrincipalArns', props.allowedPrincipalArns);
    }
    // The same statement objects go into the endpoint's policy and into connectPolicy (kept to measure
    // the policy at synth), so that addCluster's addResources reaches both.
    const connectStatements = [this.allowConnect, ...this.principalRestriction([...CONNECT_ACTIONS])];
    this.connectPolicy.addStatements(...connectStatements);

    this.endpoint = new ec2.InterfaceVpcEndpoint(this, 'Resource', {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(this.serviceName, DSQL_PORT),
      privateDnsEnabled: privateDns,
      open: false,
      securityGroups: [this.securityGroup],
      subnets: { subnets },
    });
    for (const st of connectStatements) this.endpoint.addToPolicy(st);
    this.vpcEndpointId = this.endpoint.vpcEndpointId;
    // Mark the endpoint as part of the cluster's private path, so that a DsqlPrivatePathAdminPolicy may
    // create and modify it (ec2:ModifyVpcEndpoint can only be scoped by a resource tag).
    tagPrivatePath(this.endpoint, this.serviceName);
    // The security group, the network ACL and its subnets are part of the path too: tagged, a
    // DsqlPrivatePathGuardrail stops non-admins from opening them (the tag is what the Deny matches).
    const untagged: string[] = [];
    this.tagNetworkResource(this.securityGroup, ec2.CfnSecurityGroup, 'AWS::EC2::SecurityGroup', untagged);

    this.addCluster(props.cluster);
    this.hostName = this.hostNameFor(props.cluster);

    for (const client of props.allowedClients ?? []) this.admit('allowedClients', client);

    if (props.managementEndpoint) {
      const management = this.createManagementEndpoint(props, subnets, privateDns);
      this.managementEndpoint = management.endpoint;
      this.managementPolicy = management.policy;
      for (const sg of management.endpoint.connections.securityGroups) {
        this.tagNetworkResource(sg, ec2.CfnSecurityGroup, 'AWS::EC2::SecurityGroup', untagged);
      }
    }

    if (naclPlan) {
      this.networkAcl = this.createNetworkAcl(props.vpc, subnets, naclPlan);
      this.tagNetworkResource(this.networkAcl, ec2.CfnNetworkAcl, 'AWS::EC2::NetworkAcl', untagged);
      // ReplaceNetworkAclAssociation names the new ACL and the subnet, not the ACL it replaces: only the
      // subnet's tag lets a guardrail stop someone from swapping this ACL for an open one.
      for (const subnet of subnets) this.tagNetworkResource(subnet, ec2.CfnSubnet, 'AWS::EC2::Subnet', untagged);
    }
    if (untagged.length > 0) {
      Annotations.of(this).addWarningV2(WARNING_IDS.untaggedPrivatePath,
        `${untagged.join(', ')} ${untagged.length === 1 ? 'is' : 'are'} not defined in this app, so the library cannot tag `
        + `${untagged.length === 1 ? 'it' : 'them'} ${PRIVATE_PATH_TAG_KEY}=<service name>: a DsqlPrivatePathGuardrail does not stop changes `
        + 'to their rules or network ACL association. Tag them yourself with that key and the endpoint\'s serviceName, or use resources defined in the app.');
    }

    this.warnPublicSubnets(props, subnets);
    this.node.addValidation({ validate: () => this.validate() });
    registerPrivateLinkEndpoint(this);
  }

  /**
   * The clusters this endpoint serves.
   */
  public get servedClusters(): IDsqlCluster[] {
    return [...this.clusters];
  }

  /**
   * Serve another cluster through this endpoint. It must use the same PrivateLink service name as the
   * endpoint and live in the endpoint's Region.
   *
   * Service names are compared at synth time: equal strings pass, different ones fail, and so does a pair
   * that cannot be compared (two clusters created in the app each have their own deploy-time service
   * name). To share an endpoint between such clusters, import them with `fromClusterAttributes` and their
   * concrete `vpcEndpointServiceName`, or give each cluster its own endpoint.
   */
  public addCluster(cluster: IDsqlCluster): void {
    checkArgument(this, 'addCluster(cluster)', cluster, 'object', 'Give a cluster of this endpoint\'s service name.');
    if (this.clusters.some((c) => c === cluster || c.clusterArn === cluster.clusterArn)) return;
    const prop = 'addCluster(cluster)';
    this.checkClusterRegion(prop, cluster);
    const name = cluster.vpcEndpointServiceName;
    if (name === undefined) {
      fail(this, prop, cluster.node.path, 'has no vpcEndpointServiceName, so it cannot be shown to share the endpoint\'s service',
        'Import the cluster with fromClusterAttributes and its vpcEndpointServiceName.');
    }
    if (name !== this.serviceName) {
      const provablyDifferent = !Token.isUnresolved(name) && !Token.isUnresolved(this.serviceName);
      fail(this, prop, name, provablyDifferent
        ? `is the service name of ${cluster.node.path}, but this endpoint connects to ${this.serviceName}`
        : `(the service name of ${cluster.node.path}) cannot be shown to equal the endpoint's service name ${show(this.serviceName)} at synth time`,
      provablyDifferent
        ? 'An endpoint serves clusters of one service name only: create another endpoint for this cluster (cluster.addPrivateLinkEndpoint).'
        : 'Give each cluster its own endpoint (cluster.addPrivateLinkEndpoint; in one VPC, with privateDnsEnabled: false on all '
          + 'but one, since clusters of a Region may share a service name and EC2 refuses a second private-DNS endpoint for it), '
          + 'or import the clusters with their concrete vpcEndpointServiceName (`aws dsql get-vpc-endpoint-service-name`) so '
          + 'that they can be compared.');
    }
    this.clusters.push(cluster);
    this.allowConnect.addResources(cluster.clusterArn);
  }

  /**
   * The host name a client uses to reach `cluster` through this endpoint:
   * `<cluster-id>.<service-suffix>.<region>.on.aws`. Connect to it on 5432 with TLS and a token signed
   * for this same host name.
   */
  public hostNameFor(cluster: IDsqlCluster): string {
    checkArgument(this, 'hostNameFor(cluster)', cluster, 'object', 'Give a cluster this endpoint serves.');
    const served = this.clusters.find((c) => c === cluster || c.clusterArn === cluster.clusterArn);
    if (!served) {
      fail(this, 'hostNameFor(cluster)', cluster.node.path, 'is not served by this endpoint',
        'Add it with addCluster(cluster) first, or ask the endpoint that serves it.');
    }
    return served.clusterPrivateEndpoint ?? privateHostName(served.clusterIdentifier, this.serviceName);
  }

  /**
   * A CloudFormation output with the host name clients use for `cluster` through this endpoint.
   *
   * @param cluster a served cluster; default: the cluster given at creation
   * @param id the output's construct id; default: `HostName`, then `HostName2`, `HostName3`… by the cluster's position
   */
  public addHostNameOutput(cluster?: IDsqlCluster, id?: string): CfnOutput {
    const target = cluster ?? this.clusters[0];
    const value = this.hostNameFor(target);
    const index = this.clusters.indexOf(this.clusters.find((c) => c === target || c.clusterArn === target.clusterArn)!);
    return new CfnOutput(this, id ?? (index === 0 ? 'HostName' : `HostName${index + 1}`), {
      value,
      description: `Host name of Aurora DSQL cluster ${target.node.path} through PrivateLink endpoint ${this.node.path} (TCP ${DSQL_PORT}, TLS)`,
    });
  }

  /**
   * Admit a client on TCP 5432: a security-group-to-security-group rule for an IConnectable with security
   * groups (the client's security group gets the matching egress rule), or a CIDR rule for a peer,
   * which must be a private range (`0.0.0.0/0` and `::/0` are refused).
   */
  public allowFrom(client: ec2.IConnectable, description?: string): void {
    checkArgument(this, 'allowFrom(client)', client, 'object', 'Give a client such as a Lambda function, a security group or ec2.Peer.ipv4("10.0.0.0/16").');
    this.admit('allowFrom(client)', client, description);
  }

  private admit(prop: string, client: ec2.IConnectable, description?: string): void {
    checkPeer(this, prop, client);
    this.connections.allowFrom(client, ec2.Port.tcp(DSQL_PORT), description ?? 'Aurora DSQL client to the PrivateLink endpoint');
  }

  /**
   * Add a statement to the endpoint policy of the connection endpoint. Prefer `allowedPrincipalArns`; a
   * statement added here binds everyone who uses the endpoint.
   */
  public addToPolicy(statement: iam.PolicyStatement): void {
    this.connectPolicy.addStatements(statement);
    this.endpoint.addToPolicy(statement);
  }

  private accounts(): string[] {
    const seen: string[] = [];
    for (const c of this.clusters) {
      const account = c.env.account;
      if (!seen.includes(account)) seen.push(account);
    }
    return seen;
  }

  /** The connection service name of the first cluster, which every served cluster must share. */
  private serviceNameOf(cluster: IDsqlCluster): string {
    this.checkClusterRegion('cluster', cluster);
    const serviceName = cluster.vpcEndpointServiceName;
    if (serviceName === undefined) {
      fail(this, 'cluster', cluster.node.path, 'has no vpcEndpointServiceName, so the endpoint does not know which service to connect to',
        'Create the endpoint with cluster.addPrivateLinkEndpoint(id, options), which looks the service name up at deploy time, or import '
        + 'the cluster with SecureDsqlCluster.fromClusterAttributes(scope, id, { clusterIdentifier, vpcEndpointServiceName }), '
        + 'with the value of `aws dsql get-vpc-endpoint-service-name --identifier <id>`.');
    }
    return serviceName;
  }

  /** The checks of the props that need nothing built yet, one function per property (for validateAll). */
  private propChecks(props: DsqlPrivateLinkEndpointProps): Array<() => void> {
    const privateDns = props.privateDnsEnabled ?? true;
    return [
      () => requireNonEmpty(this, 'allowedClients', props.allowedClients,
        'Leave allowedClients out and call allowFrom(client) later, or list at least one client.'),
      () => {
        if (!props.allowedPrincipalArns) return;
        requireNonEmpty(this, 'allowedPrincipalArns', props.allowedPrincipalArns,
          'Leave allowedPrincipalArns out to let identity and cluster policies decide, or list at least one principal.');
        validatePattern(this, 'allowedPrincipalArns', props.allowedPrincipalArns, IAM_PRINCIPAL_ARN,
          'an IAM role or user ARN', 'arn:aws:iam::123456789012:role/app');
        requireUnique(this, 'allowedPrincipalArns', props.allowedPrincipalArns);
      },
      () => {
        if (privateDns && props.vpc instanceof ec2.Vpc && !(props.vpc.dnsHostnamesEnabled && props.vpc.dnsSupportEnabled)) {
          fail(this, 'privateDnsEnabled', true, 'needs DNS support and DNS host names in the VPC, which are off',
            'Create the VPC with enableDnsHostnames: true and enableDnsSupport: true, or set privateDnsEnabled: false and publish the host names yourself.');
        }
        if (!privateDns) {
          Annotations.of(this).addWarningV2(WARNING_IDS.privateDnsOff,
            'privateDnsEnabled is false: the cluster host names do not resolve to this endpoint. Clients need a DNS record for '
            + 'hostNameFor(cluster) that points at the endpoint, because the token is signed for that host name.');
        }
      },
      () => {
        if (props.managementActions && !props.managementEndpoint) {
          fail(this, 'managementActions', props.managementActions, 'is set but managementEndpoint is not',
            'Set managementEndpoint: true, or drop managementActions.');
        }
      },
    ];
  }

  /** `vpcSubnets`, or the deprecated `subnets`; both at once is refused. */
  private subnetSelection(props: DsqlPrivateLinkEndpointOptions): ec2.SubnetSelection | undefined {
    if (props.vpcSubnets && props.subnets) {
      fail(this, 'subnets', props.subnets, 'is given together with vpcSubnets (they are the same setting)',
        'Keep vpcSubnets only: subnets is its deprecated spelling.');
    }
    return props.vpcSubnets ?? props.subnets;
  }

  /** The principal Deny of `allowedPrincipalArns` for `actions`, or nothing when no allow-list is set. */
  private principalRestriction(actions: string[]): iam.PolicyStatement[] {
    if (!this.principalAllowList) return [];
    return renderConnectConditions({ principalArns: this.principalAllowList.lazy() }, {
      actions, resources: ['*'], principal: new iam.StarPrincipal(),
    });
  }

  /**
   * Tag a security group, network ACL or subnet as part of this private path, when it is defined in the
   * app; otherwise note its id for the warning (an imported resource cannot be tagged from here).
   */
  private tagNetworkResource(resource: IConstruct, cfnType: abstract new (...args: never[]) => unknown,
    resourceType: string, untagged: string[]): void {
    if (resource.node.defaultChild instanceof cfnType) {
      const value = resourceType === 'AWS::EC2::Subnet' ? PRIVATE_PATH_SUBNET_TAG_VALUE : this.serviceName;
      tagPrivatePathResources(resource, resourceType, value);
    } else {
      untagged.push(`${resourceType.split('::')[2]} ${resource.node.path}`);
    }
  }

  /** The interface endpoint of the management API (TCP 443), with its own security group and policy. */
  private createManagementEndpoint(props: DsqlPrivateLinkEndpointProps, subnets: ec2.ISubnet[], privateDns: boolean) {
    const managementActions = props.managementActions ?? DEFAULT_MANAGEMENT_ACTIONS;
    const sg = new ec2.SecurityGroup(this, 'ManagementSecurityGroup', {
      vpc: props.vpc,
      description: 'Aurora DSQL management endpoint: TCP 443 from the allowed clients only',
      allowAllOutbound: false,
    });
    const statements = [
      new iam.PolicyStatement({
        sid: 'AllowManagementActions',
        principals: [new iam.StarPrincipal()],
        actions: [...managementActions],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': Stack.of(this).account } },
      }),
      ...this.principalRestriction(['dsql:*']),
    ];
    const endpoint = new ec2.InterfaceVpcEndpoint(this, 'ManagementEndpoint', {
      vpc: props.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.DSQL_MANAGEMENT,
      privateDnsEnabled: privateDns,
      open: false,
      securityGroups: [sg],
      subnets: { subnets },
    });
    for (const st of statements) endpoint.addToPolicy(st);
    return { endpoint, policy: new iam.PolicyDocument({ statements }) };
  }

  private checkClusterRegion(prop: string, cluster: IDsqlCluster): void {
    const own = Stack.of(this).region;
    const theirs = cluster.env.region;
    if (!Token.isUnresolved(own) && !Token.isUnresolved(theirs) && own !== theirs) {
      fail(this, prop, cluster.node.path, `is in Region ${theirs}, but the endpoint is in Region ${own}: an interface endpoint serves clusters of its own Region only`,
        `Create the endpoint in a stack of ${theirs} (reach it from this Region over VPC peering or Transit Gateway), or serve a cluster of ${own}.`);
    }
    const name = cluster.vpcEndpointServiceName;
    if (name !== undefined && !Token.isUnresolved(name) && !Token.isUnresolved(own)) {
      const serviceRegion = name.split('.')[2];
      if (serviceRegion !== own) {
        fail(this, prop, name, `is a service of Region ${serviceRegion}, but the endpoint is in Region ${own}: an interface endpoint serves clusters of its own Region only`,
          `Create the endpoint in a stack of ${serviceRegion}, or serve a cluster of ${own}.`);
      }
    }
  }

  private selectSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): ec2.ISubnet[] {
    let selected: ec2.ISubnet[];
    if (selection) {
      try {
        selected = vpc.selectSubnets(selection).subnets;
      } catch (e) {
        fail(this, 'subnets', selection, `selects no subnet of the VPC (${(e as Error).message})`,
          'Select subnets that exist in the VPC, e.g. { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }.');
      }
    } else {
      selected = vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets;
    }
    // One per Availability Zone, the first of each (an endpoint takes at most one subnet per AZ). Done
    // here because selectSubnets ignores onePerAz for an explicit list of subnets.
    const subnets: ec2.ISubnet[] = [];
    const zones = new Set<string>();
    for (const subnet of selected) {
      const az = subnet.availabilityZone;
      if (!Token.isUnresolved(az) && zones.has(az)) continue;
      zones.add(az);
      subnets.push(subnet);
    }
    if (subnets.length === 0) {
      fail(this, 'subnets', selection ?? 'default (private, else isolated subnets)', 'selects no subnet',
        selection
          ? 'Select at least one subnet, ideally one per Availability Zone.'
          : 'The VPC has no private or isolated subnet: add some (the endpoint never goes into public subnets by default), or pass subnets.');
    }
    return subnets;
  }

  /** An explicit selection of public subnets: the endpoint works there, but shares them with internet-facing resources. */
  private warnPublicSubnets(props: DsqlPrivateLinkEndpointProps, subnets: ec2.ISubnet[]): void {
    if (!this.subnetSelection(props)) return; // the default never selects public subnets
    const publicOnes = publicSubnetsAmong(props.vpc, subnets);
    if (publicOnes.length === 0) return;
    Annotations.of(this).addWarningV2(WARNING_IDS.endpointPublicSubnet,
      `vpcSubnets selects public subnets (${publicOnes.map((s) => s.node.path).join(', ')}): the endpoint's interfaces share them with `
      + 'internet-facing resources, and its security group and network ACL are then all that separates it from them. Select private or '
      + `isolated subnets (the default), or acknowledge: Annotations.of(endpoint).acknowledgeWarning('${WARNING_IDS.endpointPublicSubnet}', reason).`);
  }

  private validateManagementActions(actions: string[]): void {
    requireNonEmpty(this, 'managementActions', actions, 'Leave managementActions out for read-only access, or list at least one action.');
    requireUnique(this, 'managementActions', actions);
    for (const a of actions) {
      if (Token.isUnresolved(a)) continue;
      if (!/^dsql:[A-Za-z*]+$/.test(a)) {
        fail(this, 'managementActions', a, 'is not an Aurora DSQL action', 'Use actions such as "dsql:GetCluster".');
      }
      if (a === 'dsql:*' || CONNECT_ACTIONS.includes(a)) {
        fail(this, 'managementActions', a, 'is not a management action (connections never use the management endpoint) or admits all of them',
          'List the management actions you need, e.g. "dsql:GetCluster", "dsql:UpdateCluster".');
      }
    }
  }

  /** Check `networkAcl` and plan its rules (the fewest that admit exactly the client blocks). */
  private planNetworkAcl(options: DsqlNetworkAclOptions, management: boolean): NaclPlan {
    const prop = 'networkAcl.allowedCidrs';
    requireNonEmpty(this, prop, options.allowedCidrs, 'List the client networks, or leave networkAcl out.');
    // A token is accepted when it is the CIDR of a VPC created in the app with a literal block (vpc.vpcCidrBlock).
    const cidrs = options.allowedCidrs.map((cidr) => (Token.isUnresolved(cidr) ? knownVpcCidr(this, cidr, this.vpc) ?? cidr : cidr));
    for (const cidr of cidrs) {
      if (Token.isUnresolved(cidr)) {
        fail(this, prop, cidr, 'is a token whose value the app does not know: the blocks must be known at synth to merge them and count the rules',
          'Give the CIDR blocks as literal strings, e.g. "10.0.0.0/16", or the vpcCidrBlock of a VPC created in this app with a literal CIDR.');
      }
      checkClientCidr(this, prop, cidr, 'List the client networks\' private IPv4 CIDR blocks, e.g. "10.0.0.0/16", or leave networkAcl out.');
    }
    requireUnique(this, prop, cidrs);
    const max = options.maxRulesPerDirection ?? QUOTAS.naclRulesDefault;
    if (!Number.isInteger(max) || max < 1 || max > QUOTAS.naclRulesMax) {
      fail(this, 'networkAcl.maxRulesPerDirection', max, `must be an integer from 1 to ${QUOTAS.naclRulesMax} (the most AWS allows per direction)`,
        `Use your account's quota: ${QUOTAS.naclRulesDefault} by default, up to ${QUOTAS.naclRulesMax} after a quota increase.`);
    }
    const plan = planNaclRules(cidrs, management ? [DSQL_PORT, MANAGEMENT_PORT] : [DSQL_PORT]);
    for (const [direction, rules] of [['inbound', plan.ingress], ['outbound', plan.egress]] as const) {
      const count = quotaCount(rules);
      if (count > max) {
        fail(this, prop, options.allowedCidrs, `needs ${count} ${direction} rules of one IP family after merging into ${plan.cidrs.length} blocks `
          + `(${management ? 'ports 5432 and 443' : 'port 5432'}), over the quota of ${max} per direction`,
        max < QUOTAS.naclRulesMax
          ? `Summarise the client networks into fewer blocks, or raise the quota (up to ${QUOTAS.naclRulesMax}) and set maxRulesPerDirection.`
          : 'Summarise the client networks into fewer blocks, or rely on the security group (allowedClients) instead of a network ACL.');
      }
    }
    return plan;
  }

  private createNetworkAcl(vpc: ec2.IVpc, subnets: ec2.ISubnet[], plan: NaclPlan): ec2.NetworkAcl {
    const acl = new ec2.NetworkAcl(this, 'NetworkAcl', { vpc, subnetSelection: { subnets } });
    for (const rule of [...plan.ingress, ...plan.egress]) {
      acl.addEntry(`${rule.egress ? 'Out' : 'In'}${rule.ruleNumber}`, {
        ruleNumber: rule.ruleNumber,
        cidr: rule.version === 4 ? ec2.AclCidr.ipv4(rule.cidr) : ec2.AclCidr.ipv6(rule.cidr),
        traffic: rule.fromPort === rule.toPort ? ec2.AclTraffic.tcpPort(rule.fromPort) : ec2.AclTraffic.tcpPortRange(rule.fromPort, rule.toPort),
        direction: rule.egress ? ec2.TrafficDirection.EGRESS : ec2.TrafficDirection.INGRESS,
        ruleAction: ec2.Action.ALLOW,
      });
    }
    return acl;
  }

  /**
   * Another DSQL endpoint with private DNS in this VPC, whose service name and this one's cannot be compared at
   * synth (a cluster created in the app has its service name at deploy time only): a warning, since the two
   * clusters may share one service name, which EC2 refuses twice with private DNS in one VPC.
   */
  private warnUncomparableServiceNames(): void {
    const others = uncomparablePrivateDnsEndpoints(this.endpoint.node.defaultChild as ec2.CfnVPCEndpoint);
    if (others.count === 0) return;
    // A few names are enough to find them (an app with many such endpoints would otherwise get long messages).
    warnAtSynth(this, WARNING_IDS.privateDnsMayConflict, () => {
      const names = others.first.map((c) => (c.node.scope as IConstruct | undefined)?.node.path ?? c.node.path);
      const more = others.count > names.length ? ` and ${others.count - names.length} more` : '';
      return `privateDnsEnabled is on, and so it is on ${names.join(', ')}${more} in the same VPC, for a service name that cannot be compared with this `
      + 'one before the deployment. Aurora DSQL\'s service names are not per cluster (com.amazonaws.<region>.dsql-<suffix>), so the clusters '
      + 'may share one; EC2 then refuses the second endpoint ("conflicting DNS domain"). Serve the clusters through one endpoint '
      + '(endpoint.addCluster(cluster), with clusters imported with their vpcEndpointServiceName), or keep private DNS on one endpoint '
      + `only; if their service names differ, acknowledge: Annotations.of(endpoint).acknowledgeWarning('${WARNING_IDS.privateDnsMayConflict}', reason).`;
    });
  }

  private validate(): string[] {
    const errors: string[] = [];
    const stack = Stack.of(this);
    // Each policy is measured once, here; the exact measure only when the cheap bound is over the quota.
    const length = lengthOverQuota(stack, this.connectPolicy, QUOTAS.endpointPolicy);
    if (length !== undefined) {
      errors.push(failureMessage(this, 'allowedPrincipalArns/addCluster', `${length} characters`,
        `make an endpoint policy over the VPC endpoint policy quota of ${QUOTAS.endpointPolicy} characters`,
        'Use wildcards in allowedPrincipalArns (e.g. arn:aws:iam::123456789012:role/app-*), or split the clusters over several endpoints.'));
    }
    const managementLength = this.managementPolicy && lengthOverQuota(stack, this.managementPolicy, QUOTAS.endpointPolicy);
    if (managementLength !== undefined) {
      errors.push(failureMessage(this, 'managementActions', `${managementLength} characters`,
        `make a management endpoint policy over the quota of ${QUOTAS.endpointPolicy} characters`, 'Use fewer actions or wildcards.'));
    }
    const conflicts = conflictingPrivateDnsEndpoints(this.endpoint.node.defaultChild as ec2.CfnVPCEndpoint);
    if (conflicts.length > 0) {
      // Named by their L2 construct (the InterfaceVpcEndpoint), the path an app author wrote.
      const names = conflicts.map((c) => (c.node.scope as IConstruct | undefined)?.node.path ?? c.node.path);
      errors.push(failureMessage(this, 'privateDnsEnabled', true, `is on, but ${names.join(', ')} `
        + `${conflicts.length === 1 ? 'is an endpoint' : 'are endpoints'} with private DNS for the same service in the same VPC: `
        + 'EC2 refuses the second one during the deployment ("conflicting DNS domain")',
      'Serve every cluster of this service name through one endpoint (endpoint.addCluster(cluster)), or keep private DNS on one '
        + 'endpoint only (privateDnsEnabled: false on the others, with your own DNS records).'));
    } else {
      this.warnUncomparableServiceNames();
    }
    errors.push(...securityGroupProblems(this, 'securityGroup', this.securityGroup));
    if (this.managementEndpoint) {
      for (const sg of this.managementEndpoint.connections.securityGroups) {
        errors.push(...securityGroupProblems(this, 'managementEndpoint.connections', sg));
      }
    }
    return errors;
  }
}

import { Annotations, Arn, ArnFormat, CfnOutput, Lazy, RemovalPolicy, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { DsqlClusterAttributes, DsqlClusterOutputsOptions, IDsqlCluster } from './cluster-ref';
import type { DsqlConnectConditions } from './connect-conditions';
// Factories only: a construct may import the constructs it creates, never the other way round.
import { DsqlDatabaseRole } from './database-role';
import type { DsqlDatabaseRoleOptions, IDsqlDatabaseRole } from './database-role-ref';
import type { DsqlPrivateLinkEndpointOptions, IDsqlPrivateLinkEndpoint } from './endpoint-ref';
import { PrincipalAllowList } from './private/allow-list';
import { DB_CONNECT, DB_CONNECT_ADMIN, mergeSourceIpsToFit, renderConnectConditions, validateConnectConditions } from './private/conditions';
import { DsqlValidationError, fail, failureMessage, formatFailure } from './private/errors';
import { isDsqlHostNameOf, privateHostName, publicHostName } from './private/host-names';
import { QUOTAS, fitsQuota, lengthOverQuota } from './private/quota';
import { CLUSTER_ARN, CLUSTER_ID, REGION, SERVICE_NAME, requireNonEmpty, requireUnique } from './private/validation';
import { DsqlPrivateLinkEndpoint } from './private-link-endpoint';

/**
 * Multi-Region peering of a cluster.
 */
export interface DsqlMultiRegionOptions {
  /**
   * The witness Region: a third Region that holds the transaction log of the peered pair.
   * Must be a valid Region name other than the cluster's own.
   */
  readonly witnessRegion: string;

  /**
   * ARNs of the peer clusters in other Regions.
   *
   * Peering needs two deployments: create each cluster with the witness Region only, then add the peers'
   * ARNs to both (see README "Multi-Region").
   *
   * @default - no peers yet (first deployment of a multi-Region pair)
   */
  readonly peerClusterArns?: string[];
}

/**
 * Properties of a SecureDsqlCluster.
 */
export interface SecureDsqlClusterProps {
  /**
   * A name for the cluster, written as its `Name` tag (DSQL clusters have no name of their own).
   *
   * @default - no Name tag
   */
  readonly clusterName?: string;

  /**
   * Whether deletion protection is on. AWS refuses to delete a protected cluster.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it leaves the stack.
   *
   * `DESTROY` needs `deletionProtection: false`, or CloudFormation could never delete it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * A customer-managed KMS key that encrypts the cluster's data at rest.
   *
   * When the key is defined in this app, the library adds the key-policy statements Aurora DSQL needs
   * (the `dsql.amazonaws.com` service principal may use the key for clusters of this account and Region
   * only: see the Aurora DSQL user guide, "Data encryption", "Authorizing use of your AWS KMS key").
   * For an imported key you must add them yourself: the library warns.
   *
   * @default - an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Multi-Region peering.
   *
   * @default - a single-Region cluster
   */
  readonly multiRegion?: DsqlMultiRegionOptions;

  /**
   * Who may connect and from where, rendered into the cluster's resource-based policy as Deny statements.
   * Layer: resource policy — binds every principal, whatever its identity policy says.
   *
   * @default - no resource policy conditions (identity policies alone decide)
   */
  readonly connectConditions?: DsqlConnectConditions;
}

abstract class DsqlClusterBase extends Resource implements IDsqlCluster {
  public abstract readonly clusterIdentifier: string;
  public abstract readonly clusterArn: string;
  public abstract readonly clusterEndpoint: string;
  public abstract readonly vpcEndpointServiceName?: string;
  public abstract readonly clusterPrivateEndpoint?: string;
  public abstract readonly connectConditions?: DsqlConnectConditions;

  /**
   * Grant the given Aurora DSQL actions on this cluster only (identity policy of the grantee).
   *
   * Actions must be `dsql:` actions without wildcards: a wildcard would reach actions you did not mean,
   * `dsql:DbConnectAdmin` among them.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    if (actions.length === 0) {
      fail(this, 'grant(grantee, ...actions)', actions, 'names no action', 'Name the actions, e.g. grant(fn, "dsql:GetCluster"), or use grantConnect(fn).');
    }
    for (const action of actions) {
      if (Token.isUnresolved(action)) continue;
      if (!/^dsql:[A-Za-z]+$/.test(action)) {
        fail(this, 'grant(grantee, ...actions)', action, 'is not an Aurora DSQL action without wildcards',
          'Name each action exactly, e.g. "dsql:GetCluster" or "dsql:DbConnect" (grantConnect), never "dsql:*" or "*".');
      }
    }
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.clusterArn] });
  }

  /** Grant `dsql:DbConnect` (custom database roles) on this cluster only. */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, DB_CONNECT);
  }

  /** Grant `dsql:DbConnectAdmin` (the `admin` role) on this cluster only. */
  public grantConnectAdmin(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, DB_CONNECT_ADMIN);
  }

  public abstract addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;

  /**
   * Add a private path to this cluster: an interface VPC endpoint for its connection service on TCP 5432
   * (a DsqlPrivateLinkEndpoint), created in this cluster's scope.
   */
  public addPrivateLinkEndpoint(id: string, options: DsqlPrivateLinkEndpointOptions): IDsqlPrivateLinkEndpoint {
    return new DsqlPrivateLinkEndpoint(this, id, { ...options, cluster: this });
  }

  /**
   * Add a database role on this cluster, mapped to IAM principals (a DsqlDatabaseRole), created in this
   * cluster's scope.
   */
  public addDatabaseRole(id: string, options: DsqlDatabaseRoleOptions): IDsqlDatabaseRole {
    return new DsqlDatabaseRole(this, id, { ...options, cluster: this });
  }

  /**
   * CloudFormation outputs with the cluster identifier, ARN, public host name and (when known) private host
   * name: `ClusterIdentifier`, `ClusterArn`, `ClusterEndpoint`, `ClusterPrivateEndpoint`, in this cluster's scope.
   *
   * @param options which outputs, and their export names
   */
  public addOutputs(options: DsqlClusterOutputsOptions = {}): CfnOutput[] {
    const prefix = options.exportNamePrefix;
    if (prefix !== undefined && !Token.isUnresolved(prefix) && !/^[A-Za-z0-9:-]{1,200}$/.test(prefix)) {
      fail(this, 'addOutputs(options).exportNamePrefix', prefix, 'is not a valid CloudFormation export name prefix',
        'Use letters, digits, colons and hyphens only, e.g. "Orders-".');
    }
    const entries: Array<[string, string, string]> = [
      ['ClusterIdentifier', this.clusterIdentifier, 'identifier'],
      ['ClusterArn', this.clusterArn, 'ARN'],
      ['ClusterEndpoint', this.clusterEndpoint, 'public host name (TCP 5432, TLS)'],
    ];
    if ((options.privateEndpoint ?? true) && this.clusterPrivateEndpoint !== undefined) {
      entries.push(['ClusterPrivateEndpoint', this.clusterPrivateEndpoint, 'host name through an interface VPC endpoint with private DNS (TCP 5432, TLS)']);
    }
    return entries.map(([id, value, what]) => new CfnOutput(this, id, {
      value,
      description: `Aurora DSQL cluster ${this.node.path}: ${what}`,
      exportName: prefix === undefined ? undefined : `${prefix}${id}`,
    }));
  }
}

class ImportedDsqlCluster extends DsqlClusterBase {
  public readonly clusterIdentifier: string;
  public readonly clusterArn: string;
  public readonly clusterEndpoint: string;
  public readonly vpcEndpointServiceName?: string;
  public readonly clusterPrivateEndpoint?: string;
  public readonly connectConditions?: DsqlConnectConditions;

  constructor(scope: Construct, id: string, attrs: DsqlClusterAttributes) {
    super(scope, id, { region: attrs.region, account: attrs.account });
    const idValue = attrs.clusterIdentifier;
    if (!Token.isUnresolved(idValue) && !CLUSTER_ID.test(idValue)) {
      fail(this, 'clusterIdentifier', idValue, 'is not an Aurora DSQL cluster identifier (26 lowercase letters and digits)',
        'Pass the identifier shown by `aws dsql list-clusters`, not the ARN or the host name.');
    }
    if (attrs.region !== undefined && !Token.isUnresolved(attrs.region) && !REGION.test(attrs.region)) {
      fail(this, 'region', attrs.region, 'is not an AWS Region name', 'Use a Region such as "us-east-1".');
    }
    if (attrs.account !== undefined && !Token.isUnresolved(attrs.account) && !/^\d{12}$/.test(attrs.account)) {
      fail(this, 'account', attrs.account, 'is not a 12-digit AWS account id', 'Use the account that owns the cluster.');
    }
    if (attrs.vpcEndpointServiceName !== undefined && !Token.isUnresolved(attrs.vpcEndpointServiceName)) {
      if (!SERVICE_NAME.test(attrs.vpcEndpointServiceName)) {
        fail(this, 'vpcEndpointServiceName', attrs.vpcEndpointServiceName, 'is not an Aurora DSQL connection service name',
          'Use the value of `aws dsql get-vpc-endpoint-service-name --identifier <id>`, e.g. "com.amazonaws.us-east-1.dsql-a1b2c3".');
      }
      const serviceRegion = attrs.vpcEndpointServiceName.split('.')[2];
      if (!Token.isUnresolved(this.env.region) && serviceRegion !== this.env.region) {
        fail(this, 'vpcEndpointServiceName', attrs.vpcEndpointServiceName, `belongs to Region ${serviceRegion}, not the cluster's Region ${this.env.region}`,
          'Give the service name of this cluster, or set `region` to the cluster\'s Region.');
      }
    }
    this.clusterIdentifier = idValue;
    this.clusterArn = Stack.of(this).formatArn({
      service: 'dsql',
      resource: 'cluster',
      resourceName: idValue,
      region: this.env.region,
      account: this.env.account,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const host = attrs.clusterEndpoint;
    if (host !== undefined && !Token.isUnresolved(host) && !Token.isUnresolved(idValue) && !Token.isUnresolved(this.env.region)
      && !isDsqlHostNameOf(host, idValue, this.env.region)) {
      fail(this, 'clusterEndpoint', host, `is not a DSQL host name of cluster ${idValue} in ${this.env.region}`,
        `Leave clusterEndpoint out (it defaults to ${publicHostName(idValue, this.env.region)}), or give that host name or the cluster's private host name.`);
    }
    if (attrs.connectConditions) validateConnectConditions(this, 'connectConditions', attrs.connectConditions);
    this.clusterEndpoint = host ?? publicHostName(idValue, this.env.region);
    this.vpcEndpointServiceName = attrs.vpcEndpointServiceName;
    this.clusterPrivateEndpoint = attrs.vpcEndpointServiceName ? privateHostName(idValue, attrs.vpcEndpointServiceName) : undefined;
    this.connectConditions = attrs.connectConditions;
  }

  public addToResourcePolicy(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: false };
  }
}

/**
 * An Aurora DSQL cluster with secure defaults: deletion protection on, removal policy RETAIN, an optional
 * customer-managed key with the key policy DSQL needs, and a resource-based policy rendered from
 * `connectConditions`.
 *
 * @resource AWS::DSQL::Cluster
 */
export class SecureDsqlCluster extends DsqlClusterBase {
  /**
   * Import an existing cluster by its attributes. The account and Region are the stack's unless given.
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: DsqlClusterAttributes): IDsqlCluster {
    return new ImportedDsqlCluster(scope, id, attrs);
  }

  /**
   * Import an existing cluster of the stack's account and Region by its identifier.
   */
  public static fromClusterIdentifier(scope: Construct, id: string, clusterIdentifier: string): IDsqlCluster {
    return new ImportedDsqlCluster(scope, id, { clusterIdentifier });
  }

  /**
   * Import an existing cluster by its ARN.
   */
  public static fromClusterArn(scope: Construct, id: string, clusterArn: string): IDsqlCluster {
    if (!Token.isUnresolved(clusterArn) && !CLUSTER_ARN.test(clusterArn)) {
      throw new DsqlValidationError(formatFailure(`${scope.node.path}/${id}`, 'clusterArn', clusterArn, 'is not an Aurora DSQL cluster ARN',
        'Use arn:<partition>:dsql:<region>:<account>:cluster/<26-character id>.'));
    }
    const parts = Arn.split(clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
    return new ImportedDsqlCluster(scope, id, { clusterIdentifier: parts.resourceName!, region: parts.region, account: parts.account });
  }

  public readonly clusterIdentifier: string;
  public readonly clusterArn: string;
  public readonly clusterEndpoint: string;
  public readonly vpcEndpointServiceName?: string;
  public readonly clusterPrivateEndpoint?: string;
  /** The customer-managed key, if any. */
  public readonly encryptionKey?: kms.IKey;
  /** The conditions rendered into the resource policy, if any. */
  public readonly connectConditions?: DsqlConnectConditions;
  /** The L1 resource, for escape hatches. */
  public readonly cfnCluster: dsql.CfnCluster;
  /** The cluster's resource-based policy; statements added here are rendered at synth. */
  public readonly resourcePolicy: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: SecureDsqlClusterProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (removalPolicy === RemovalPolicy.DESTROY && deletionProtection) {
      fail(this, 'removalPolicy', 'DESTROY', 'contradicts deletionProtection (default true): CloudFormation could never delete the cluster',
        'Set deletionProtection: false together with RemovalPolicy.DESTROY (for throw-away stacks only), or keep RETAIN.');
    }
    if (props.clusterName !== undefined && !Token.isUnresolved(props.clusterName)
      && (props.clusterName.length === 0 || props.clusterName.length > 256)) {
      fail(this, 'clusterName', props.clusterName, 'must be 1 to 256 characters (it is the Name tag)', 'Shorten the name or leave it out.');
    }
    if (props.multiRegion) this.validateMultiRegion(props.multiRegion);
    if (props.connectConditions) validateConnectConditions(this, 'connectConditions', props.connectConditions);
    this.connectConditions = props.connectConditions;

    this.resourcePolicy = new iam.PolicyDocument();
    if (props.connectConditions) {
      // The principal allow-list is rendered lazily, so that other constructs of the library can admit the
      // principals they need (the database-role handler), through the one allow-list mechanism.
      const principalArns = props.connectConditions.principalArns
        ? PrincipalAllowList.register(this, 'connectConditions.principalArns', props.connectConditions.principalArns).lazy()
        : undefined;
      this.resourcePolicy.addStatements(...this.renderConditions({ ...props.connectConditions, principalArns }));
    }

    this.cfnCluster = new dsql.CfnCluster(this, 'Resource', {
      deletionProtectionEnabled: deletionProtection,
      kmsEncryptionKey: props.encryptionKey?.keyArn,
      multiRegionProperties: props.multiRegion ? {
        witnessRegion: props.multiRegion.witnessRegion,
        clusters: props.multiRegion.peerClusterArns,
      } : undefined,
      policyDocument: Lazy.string({
        produce: () => (this.resourcePolicy.isEmpty ? undefined : stack.toJsonString(this.resourcePolicy.toJSON())),
      }),
    });
    this.cfnCluster.applyRemovalPolicy(removalPolicy);
    if (props.clusterName) Tags.of(this).add('Name', props.clusterName);

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
      this.authorizeKey(props.encryptionKey);
    }

    this.clusterIdentifier = this.cfnCluster.attrIdentifier;
    this.clusterArn = this.cfnCluster.attrResourceArn;
    this.clusterEndpoint = this.cfnCluster.attrEndpoint;
    this.vpcEndpointServiceName = this.cfnCluster.attrVpcEndpointServiceName;
    this.clusterPrivateEndpoint = this.cfnCluster.attrVpcEndpoint;

    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /**
   * Add a statement to the cluster's resource-based policy.
   *
   * Allow statements to everyone (`*`) are refused: DSQL's block public access rejects them, and a Deny
   * is the safe form of a network restriction.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    const json = statement.toStatementJson();
    const principal = json.Principal;
    const isStar = principal === '*' || (principal && (principal.AWS === '*' || (Array.isArray(principal.AWS) && principal.AWS.includes('*'))));
    if (statement.effect === iam.Effect.ALLOW && isStar) {
      fail(this, 'addToResourcePolicy(statement)', json, 'would allow every principal (`*`); DSQL block public access rejects such a policy',
        'Allow specific same-account principals, or express a network restriction as a Deny statement (see connectConditions).');
    }
    this.resourcePolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.cfnCluster };
  }

  /**
   * Render the conditions for the resource policy. When they alone would exceed the policy quota and every
   * source IP is known, the CIDR blocks are first merged into the fewest blocks that cover exactly the same
   * addresses (never more), as DsqlConnectPolicy does; an info annotation says so.
   */
  private renderConditions(conditions: DsqlConnectConditions): iam.PolicyStatement[] {
    const render = (c: DsqlConnectConditions) => renderConnectConditions(c, { resources: ['*'], principal: new iam.AnyPrincipal() });
    const fits = (c: DsqlConnectConditions) =>
      fitsQuota(Stack.of(this), new iam.PolicyDocument({ statements: render(c) }), QUOTAS.clusterPolicy);
    return render(mergeSourceIpsToFit(this, 'connectConditions', conditions, fits, `the cluster policy quota of ${QUOTAS.clusterPolicy} characters`));
  }

  private validateMultiRegion(m: DsqlMultiRegionOptions): void {
    const own = this.env.region;
    if (!Token.isUnresolved(m.witnessRegion)) {
      if (!REGION.test(m.witnessRegion)) {
        fail(this, 'multiRegion.witnessRegion', m.witnessRegion, 'is not an AWS Region name', 'Use a Region such as "us-west-2".');
      }
      if (!Token.isUnresolved(own) && m.witnessRegion === own) {
        fail(this, 'multiRegion.witnessRegion', m.witnessRegion, 'is the cluster\'s own Region',
          'Pick a third Region as witness, different from the Regions of the cluster and its peers.');
      }
    }
    requireNonEmpty(this, 'multiRegion.peerClusterArns', m.peerClusterArns,
      'Leave peerClusterArns out for the first deployment, or list the peer clusters\' ARNs.');
    if (m.peerClusterArns) {
      requireUnique(this, 'multiRegion.peerClusterArns', m.peerClusterArns);
      for (const arn of m.peerClusterArns) {
        if (Token.isUnresolved(arn)) continue;
        if (!CLUSTER_ARN.test(arn)) {
          fail(this, 'multiRegion.peerClusterArns', arn, 'is not an Aurora DSQL cluster ARN',
            'Use arn:<partition>:dsql:<region>:<account>:cluster/<26-character id>.');
        }
        const peerRegion = arn.split(':')[3];
        if (!Token.isUnresolved(own) && peerRegion === own) {
          fail(this, 'multiRegion.peerClusterArns', arn, 'is in the cluster\'s own Region', 'Peers live in other Regions; list only those.');
        }
        if (peerRegion === m.witnessRegion) {
          fail(this, 'multiRegion.peerClusterArns', arn, 'is in the witness Region', 'The witness must be a Region without a peer cluster.');
        }
      }
    }
  }

  /** Key policy statements DSQL needs (Aurora DSQL user guide, "Data encryption"). */
  private authorizeKey(key: kms.IKey): void {
    const stack = Stack.of(this);
    // The cluster id is only known after creation, and naming the cluster here would make the key depend on
    // the cluster that depends on the key: scope to clusters of this account and Region instead.
    const sourceArn = stack.formatArn({ service: 'dsql', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const service = new iam.ServicePrincipal('dsql.amazonaws.com');
    const crypto = key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAuroraDsqlToUseTheKey',
      principals: [service],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': sourceArn },
        StringLike: { 'kms:EncryptionContext:aws:dsql:ClusterId': '*' },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAuroraDsqlToDescribeTheKey',
      principals: [service],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    }));
    if (!crypto.statementAdded) {
      Annotations.of(this).addWarningV2('secure-dsql:imported-key-policy',
        'encryptionKey is imported, so its key policy cannot be changed here. Allow the service principal dsql.amazonaws.com '
        + 'kms:Decrypt, kms:GenerateDataKey, kms:Encrypt, kms:ReEncryptFrom, kms:ReEncryptTo and kms:DescribeKey for '
        + `aws:SourceArn ${sourceArn} in the key's policy, or the cluster cannot be created.`);
    }
  }

  private validatePolicy(): string[] {
    if (this.resourcePolicy.isEmpty) return [];
    const errors = this.resourcePolicy.validateForResourcePolicy().map((problem) => failureMessage(this, 'addToResourcePolicy(statement)',
      problem, 'makes a statement that is not valid in a resource-based policy', 'Give every statement a principal and at least one action and resource.'));
    const length = lengthOverQuota(Stack.of(this), this.resourcePolicy, QUOTAS.clusterPolicy);
    if (length !== undefined) {
      errors.push(failureMessage(this, 'connectConditions/addToResourcePolicy', `${length} characters`,
        `make a cluster resource policy over the Aurora DSQL quota of ${QUOTAS.clusterPolicy} characters`,
        'Merge CIDR blocks, trust whole VPCs instead of many endpoints, or move per-principal rules into identity policies (DsqlConnectPolicy).'));
    }
    return errors;
  }
}

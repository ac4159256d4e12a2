import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { IDsqlCluster } from './cluster-ref';
import type { IDsqlConnectionEndpoint } from './endpoint-ref';

/**
 * A privilege on the tables of a schema.
 */
export enum DsqlTablePrivilege {
  /** Read rows. */
  SELECT = 'SELECT',
  /** Add rows. */
  INSERT = 'INSERT',
  /** Change rows. */
  UPDATE = 'UPDATE',
  /** Remove rows. */
  DELETE = 'DELETE',
}

/**
 * The privileges of a database role on one schema.
 *
 * The role always receives `USAGE` on the schema. Table privileges are granted with
 * `GRANT … ON ALL TABLES IN SCHEMA`, which covers the tables that exist when the resource is created or
 * updated: tables created later need another deployment (`ALTER DEFAULT PRIVILEGES` is not among the
 * commands of the Aurora DSQL User Guide's "Supported SQL for Aurora DSQL"). A schema or tables owned by another
 * role (a migration role) are granted on the documented way: the handler's `admin` grants itself the owner
 * role first and gives it up after.
 */
export interface DsqlSchemaPrivileges {
  /**
   * The schema: a lower-case PostgreSQL identifier (letters, digits, underscores) that exists on the cluster
   * when the role is deployed. System schemas (`pg_*`, `information_schema`, `sys`) are refused.
   */
  readonly schema: string;

  /**
   * Privileges on every table of the schema (`GRANT <privileges> ON ALL TABLES IN SCHEMA`).
   *
   * @default - none: `USAGE` on the schema only
   */
  readonly tables?: DsqlTablePrivilege[];

  /**
   * Whether the role may create objects in the schema (`GRANT CREATE ON SCHEMA`), e.g. for a migration role.
   *
   * @default false
   */
  readonly allowCreate?: boolean;
}

/**
 * Options of a DsqlDatabaseRole, without the cluster (see `SecureDsqlCluster.addDatabaseRole`).
 */
export interface DsqlDatabaseRoleOptions {
  /**
   * The name of the database role: a lower-case PostgreSQL identifier of at most 63 bytes (letters, digits,
   * underscores; not starting with a digit). `admin`, `postgres`, `public`, names starting with `pg_`,
   * `aws_`, `dsql_`, `rds_` or `sys_`, and PostgreSQL reserved key words are refused.
   *
   * Layer: database (`CREATE ROLE … WITH LOGIN`). Changing it creates a new role and removes the old one.
   */
  readonly roleName: string;

  /**
   * IAM roles or users (or anything whose grant principal is one, such as a Lambda function) that may log in
   * as this database role: each is mapped with `AWS IAM GRANT <role> TO '<arn>'`.
   *
   * Layer: database only. The principal also needs `dsql:DbConnect` on the cluster in its identity policy:
   * `grantConnect(grantee)` does both in one call.
   *
   * The principals (with `principalArns` and those added by `grantConnect`) are the complete list: a mapping
   * of this role to any other ARN is revoked on every deployment.
   *
   * @default - none
   */
  readonly principals?: iam.IGrantable[];

  /**
   * ARNs of IAM roles or users (`arn:<partition>:iam::<account>:role/<name>` or `:user/<name>`) that may log
   * in as this database role, for principals not defined in this app.
   *
   * Layer: database only (see `principals`).
   *
   * @default - none
   */
  readonly principalArns?: string[];

  /**
   * Privileges of the role on schemas of the `postgres` database. Privileges removed from this list are
   * revoked on the next deployment.
   *
   * Layer: database (`GRANT` / `REVOKE`).
   *
   * @default - no privileges: the role can log in and use what `PUBLIC` may use
   */
  readonly schemaPrivileges?: DsqlSchemaPrivileges[];

  /**
   * What happens to the database role when this resource leaves the stack (or is replaced).
   *
   * `DESTROY` unmaps every IAM principal, revokes the declared privileges and drops the role, so that no
   * principal keeps access to the database; it fails when the role owns objects (reassign them first).
   * `RETAIN` keeps the role with its mappings and privileges.
   *
   * Either way, the handler drops only a role that its stack created (or adopted, see `adoptExisting`), as its
   * ownership record in the database proves.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether to take over a database role of this name that already exists on the cluster and was not created
   * by this stack: made by hand, by another tool, by a DsqlDatabaseRole of another stack, or by a version of
   * this library that did not record ownership.
   *
   * Without it, such a role is left untouched and the deployment fails with a message naming the role and its
   * recorded owner. With it, the role is recorded as this stack's: its mappings and privileges are managed
   * from then on (mappings to other principals are revoked), and with `removalPolicy` DESTROY it is dropped
   * when this construct is removed. Roles this stack created are managed either way.
   *
   * @default false
   */
  readonly adoptExisting?: boolean;

  /**
   * An interface VPC endpoint of the cluster's connection service. The handler runs in the endpoint's VPC,
   * connects to the cluster's private host name through it, and its security group is allowed to the
   * endpoint's on 5432. Needed for a cluster that blocks public access.
   *
   * @default - the handler connects to the public endpoint (from `vpc` when given)
   */
  readonly endpoint?: IDsqlConnectionEndpoint;

  /**
   * The VPC to run the handler in. Without `endpoint`, the handler connects to the cluster's public endpoint,
   * so the subnets need a route to the internet (a NAT gateway).
   *
   * @default - the endpoint's VPC when `endpoint` is given, else no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where to place the handler in the VPC.
   *
   * @default - the VPC's private subnets, without those of the endpoint's own network ACL (its stateless
   * rules would drop the handler's traffic to the endpoint's other subnets) when others remain
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the handler.
   *
   * @default - a new security group whose only outbound rule is TCP 5432 (to the endpoint's security group
   * with `endpoint`, else to any IPv4 address)
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A database role on an Aurora DSQL cluster, as `DsqlDatabaseRole` creates it.
 */
export interface IDsqlDatabaseRole extends IConstruct {
  /** The name of the database role. */
  readonly roleName: string;

  /** The cluster the role lives in. */
  readonly cluster: IDsqlCluster;

  /** The function that manages the role (it holds `dsql:DbConnectAdmin` on the cluster). */
  readonly handlerFunction: lambda.IFunction;

  /**
   * Let `grantee` log in as this database role: `dsql:DbConnect` on the cluster in its identity policy and a
   * mapping of its role or user ARN to this database role.
   */
  grantConnect(grantee: iam.IGrantable): iam.Grant;
}

/**
 * What the library's constructs declare to the access model (`./registry` records it, `./collect` reads it).
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { IDsqlCluster } from '../cluster-ref';

export interface AccessRegistry {
  readonly clusters: IDsqlCluster[];
  readonly endpoints: IConstruct[];
  readonly grants: Array<{ readonly cluster: IDsqlCluster; readonly grantee: iam.IGrantable; readonly actions: string[] }>;
  readonly connectPolicies: Array<{
    readonly policy: IConstruct;
    readonly clusters: IDsqlCluster[];
    readonly actions: string[];
    readonly managedPolicies: readonly iam.ManagedPolicy[];
    /**
     * The roles and users the DsqlConnectPolicy was attached to through its own `attachTo…` methods or props
     * (a live list: attachments made later count). Attachments made from the identity's side
     * (`role.addManagedPolicy`) are not in it.
     */
    readonly attachedIdentities: readonly iam.IGrantable[];
  }>;
  readonly databaseRoles: Array<{
    readonly role: IConstruct;
    readonly cluster: IDsqlCluster;
    readonly principals: readonly iam.IGrantable[];
    readonly principalArns: readonly string[];
  }>;
  readonly handlers: Array<{
    readonly role: IConstruct;
    readonly cluster: IDsqlCluster;
    readonly handler: iam.IGrantable;
    /** The connection endpoint it connects through, when it is given one. */
    readonly endpoint?: IConstruct;
  }>;
}

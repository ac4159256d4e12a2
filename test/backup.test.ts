/**
 * Backups (issue "Operate it", part 3): the cluster selected into a given or a new AWS Backup plan, a vault
 * encrypted with the user's key, the Region opt-in warning, and refusals.
 */
import { Annotations as CoreAnnotations, App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DsqlBackupPlan, SecureDsqlCluster } from '../src';
import { ENV } from './support/iam-eval';

const ID = 'abcdefghijklmnopqrstuvwxyz';

function stack(app = new App(), id = 'Stack', env = ENV): Stack {
  return new Stack(app, id, { env });
}

describe('addBackupPlan', () => {
  test('a new plan: daily rule, a vault encrypted with the given key, the cluster ARN selected, a backup role', () => {
    const s = stack();
    const cluster = new SecureDsqlCluster(s, 'Db');
    const key = new kms.Key(s, 'BackupKey');
    const protectedCluster = cluster.addBackupPlan('Backup', { encryptionKey: key });
    expect(protectedCluster).toBeInstanceOf(DsqlBackupPlan);
    expect(protectedCluster.node.path).toBe('Stack/Db/Backup');
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Backup::BackupVault', 1);
    t.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: { 'Fn::GetAtt': [s.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
    t.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    const vaultId = s.getLogicalId(protectedCluster.backupVault!.node.defaultChild as backup.CfnBackupVault);
    t.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({
          ScheduleExpression: 'cron(0 5 * * ? *)',
          Lifecycle: { DeleteAfterDays: 35 },
          TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
        })],
      },
    });
    t.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [s.getLogicalId(cluster.cfnCluster), 'ResourceArn'] }] }),
    });
    const roles = Object.values<any>(t.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(JSON.stringify(roles[0].Properties.ManagedPolicyArns)).toContain('service-role/AWSBackupServiceRolePolicyForBackup');
    expect(JSON.stringify(roles[0].Properties.ManagedPolicyArns)).not.toContain('Restores');
  });

  test('warns at synth that the Region opt-in is required, with an id the user can acknowledge', () => {
    const s = stack();
    SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID).addBackupPlan('Backup');
    const warnings = Annotations.fromStack(s).findWarning('/Stack/Db/Backup', Match.stringLikeRegexp('opted in to Aurora DSQL in the Region \\(us-east-1\\)'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/update-region-settings --resource-type-opt-in-preference DSQL=true/);
    expect(warnings[0].entry.data).toMatch(/\[ack: secure-dsql:backup-opt-in\]/);

    const acknowledged = stack();
    const b = SecureDsqlCluster.fromClusterIdentifier(acknowledged, 'Db', ID).addBackupPlan('Backup');
    CoreAnnotations.of(b).acknowledgeWarning('secure-dsql:backup-opt-in', 'opted in with the CLI');
    Annotations.fromStack(acknowledged).hasNoWarning('*', Match.anyValue());
  });

  test('an existing plan: the cluster is selected into it, nothing else is created', () => {
    const s = stack();
    const plan = backup.BackupPlan.daily35DayRetention(s, 'Plan');
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const created = cluster.addBackupPlan('Backup', { backupPlan: plan, allowRestores: true });
    expect(created.backupPlan).toBe(plan);
    expect(created.backupVault).toBeUndefined();
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Backup::BackupPlan', 1);
    t.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupPlanId: { 'Fn::GetAtt': [s.getLogicalId(plan.node.defaultChild as backup.CfnBackupPlan), 'BackupPlanId'] },
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dsql:us-east-1:123456789012:cluster/${ID}`]] }],
      }),
    });
    const roles = Object.values<any>(t.findResources('AWS::IAM::Role'));
    expect(JSON.stringify(roles[0].Properties.ManagedPolicyArns)).toContain('service-role/AWSBackupServiceRolePolicyForRestores');
  });

  test('a given vault, rules and role are used as they are', () => {
    const s = stack();
    const vault = new backup.BackupVault(s, 'Vault');
    const role = new iam.Role(s, 'BackupRole', { assumedBy: new iam.ServicePrincipal('backup.amazonaws.com') });
    const created = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID).addBackupPlan('Backup', {
      backupVault: vault,
      role,
      rules: [backup.BackupPlanRule.weekly(), backup.BackupPlanRule.monthly1Year()],
    });
    expect(created.backupVault).toBe(vault);
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::Backup::BackupVault', 1);
    expect(Object.values<any>(t.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule).toHaveLength(2);
    t.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ IamRoleArn: { 'Fn::GetAtt': [s.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] } }),
    });
  });

  test('refuses what would be ignored or cannot work', () => {
    const s = stack();
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    const plan = backup.BackupPlan.daily35DayRetention(s, 'Plan');
    const vault = new backup.BackupVault(s, 'Vault');
    const key = new kms.Key(s, 'Key');
    expect(() => cluster.addBackupPlan('A', { backupPlan: plan, encryptionKey: key }))
      .toThrow(/Stack\/Db\/A: encryptionKey is given together with backupPlan, whose vault and rules are its own \(got "Stack\/Key"\)/);
    expect(() => cluster.addBackupPlan('B', { backupPlan: plan, backupVault: vault })).toThrow(/backupVault is given together with backupPlan/);
    expect(() => cluster.addBackupPlan('C', { backupPlan: plan, rules: [backup.BackupPlanRule.daily()] })).toThrow(/rules is given together with backupPlan, whose vault and rules are its own \(got "1 rules"\)/);
    expect(() => cluster.addBackupPlan('D', { backupVault: vault, encryptionKey: key }))
      .toThrow(/Stack\/Db\/D: encryptionKey is given together with backupVault, whose key was fixed when it was created/);
    expect(() => cluster.addBackupPlan('E', { rules: [] })).toThrow(/Stack\/Db\/E: rules is an empty list, so the plan would never back anything up/);
  });

  test('refuses a plan, vault, key or cluster of another Region', () => {
    const app = new App();
    const s = stack(app);
    const west = stack(app, 'West', { account: ENV.account, region: 'us-west-2' });
    const cluster = SecureDsqlCluster.fromClusterIdentifier(s, 'Db', ID);
    expect(() => cluster.addBackupPlan('A', { backupPlan: backup.BackupPlan.daily35DayRetention(west, 'Plan') }))
      .toThrow(/Stack\/Db\/A: backupPlan is in Region us-west-2, but the backup selection is made in us-east-1 \(got "West\/Plan"\)/);
    expect(() => cluster.addBackupPlan('B', { backupVault: new backup.BackupVault(west, 'Vault') })).toThrow(/backupVault is in Region us-west-2/);
    expect(() => cluster.addBackupPlan('C', { encryptionKey: new kms.Key(west, 'Key') })).toThrow(/encryptionKey is in Region us-west-2/);
    const elsewhere = SecureDsqlCluster.fromClusterAttributes(s, 'Far', { clusterIdentifier: ID, region: 'eu-west-1' });
    expect(() => elsewhere.addBackupPlan('Backup')).toThrow(/Stack\/Far\/Backup: cluster is in Region eu-west-1, but the backup selection is made in us-east-1/);
  });
});

/**
 * Self-tests of the compliance harness, on plain aws-cdk-lib resources: it must flag the insecure canary with
 * every pack and every Control Tower service, stay silent on the secure counterparts, and report
 * acknowledged findings as acknowledged, not as errors, and not at all once the acknowledgement is removed.
 */
import { spawnSync } from 'child_process';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CompliantNetwork, InsecureCanary, SecureCounterparts, TEST_ENV } from './fixtures';
import {
  GUARD_SERVICES, GuardResult, NAG_PACKS, NagResult, findingsAt, formatFindings, groupByPath, groupByRule,
  guardBinary, newApp, runCfnGuard, runNagPacks, stripAcknowledgements,
} from './harness';

interface Fixture {
  app: App;
  stack: Stack;
  canary: InsecureCanary;
  secure: SecureCounterparts;
}

function buildFixture(): Fixture {
  const app = newApp();
  const stack = new Stack(app, 'Fixture', { env: TEST_ENV });
  const network = new CompliantNetwork(stack, 'Network');
  const secure = new SecureCounterparts(stack, 'Secure', { vpc: network.vpc });
  const canary = new InsecureCanary(stack, 'Canary', { vpc: network.vpc });
  return { app, stack, canary, secure };
}

describe('cdk-nag packs', () => {
  let fixture: Fixture;
  let nag: NagResult;
  beforeAll(() => {
    fixture = buildFixture();
    nag = runNagPacks(fixture.app);
  });

  test('each pack flags the insecure canary', () => {
    const canary = findingsAt(nag.errors, fixture.canary);
    for (const pack of NAG_PACKS) {
      expect(canary.filter(f => f.pack === pack).length).toBeGreaterThan(0);
    }
  });

  test('the canary is flagged on each insecure resource, by the expected rules', () => {
    const byPath = groupByPath(findingsAt(nag.errors, fixture.canary));
    const path = (c: { node: { defaultChild?: unknown } }) => (c.node.defaultChild as CfnResource).node.path;
    expect(byPath[path(fixture.canary.securityGroup)]).toEqual(expect.arrayContaining([
      'AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedSSH', 'HIPAA.Security-EC2RestrictedSSH',
    ]));
    expect(byPath[path(fixture.canary.key)]).toEqual(expect.arrayContaining([
      'AwsSolutions-KMS5', 'NIST.800.53.R5-KMSBackingKeyRotationEnabled',
    ]));
    expect(byPath[path(fixture.canary.policy)]).toEqual(expect.arrayContaining([
      'AwsSolutions-IAM5', 'NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess', 'HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess',
    ]));
    expect(byPath[path(fixture.canary.fn)]).toEqual(expect.arrayContaining([
      'NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC',
    ]));
  });

  test('zero errors on the secure counterparts', () => {
    const errors = findingsAt(nag.errors, fixture.secure);
    expect(formatFindings(errors)).toBe('');
  });

  test('an acknowledged finding is reported as suppressed, with its reason, and not as an error', () => {
    const policyPath = (fixture.secure.policy.node.defaultChild as CfnResource).node.path;
    const suppressed = nag.suppressed.filter(f => f.path === policyPath);
    expect(suppressed.map(f => f.ruleId)).toEqual(['AwsSolutions-IAM5']);
    expect(suppressed[0].suppressedReason).toMatch(/ENI actions/);
    expect(nag.errors.filter(f => f.path === policyPath)).toEqual([]);
  });

  test('the recorded errors are the annotations cdk-nag writes', () => {
    const annotated = Annotations.fromStack(fixture.stack)
      .findError('*', Match.stringLikeRegexp('^(AwsSolutions|NIST\\.800\\.53\\.R5|HIPAA\\.Security)-.*'));
    const fromAnnotations = new Set(annotated.map(m => `${m.id.replace(/^\//, '')} ${String(m.entry.data).split(/[[:]/)[0]}`));
    const fromHarness = new Set(nag.errors.map(f => `${f.path} ${f.ruleId}`));
    expect(fromAnnotations.size).toBeGreaterThan(0);
    expect([...fromHarness].sort()).toEqual([...fromAnnotations].sort());
  });

  test('groupByRule lists each rule with the paths it flags', () => {
    const grouped = groupByRule(findingsAt(nag.errors, fixture.canary));
    expect(grouped['AwsSolutions-EC23']).toEqual([(fixture.canary.securityGroup.node.defaultChild as CfnResource).node.path]);
  });
});

describe('cdk-nag acknowledgements can be taken back', () => {
  test('stripping the acknowledgement turns the suppressed finding into an error', () => {
    const fixture = buildFixture();
    const removed = stripAcknowledgements(fixture.app, [fixture.secure.node.path]);
    const policyPath = (fixture.secure.policy.node.defaultChild as CfnResource).node.path;
    expect(removed).toEqual([{ path: policyPath, nag: ['AwsSolutions-IAM5'], guard: [] }]);
    const nag = runNagPacks(fixture.app, ['AwsSolutions']);
    expect(nag.errors.filter(f => f.path === policyPath).map(f => f.ruleId)).toEqual(['AwsSolutions-IAM5']);
  });
});

describe('cfn-guard with the Control Tower proactive controls', () => {
  let fixture: Fixture;
  let guard: GuardResult;
  beforeAll(() => {
    fixture = buildFixture();
    guard = runCfnGuard(fixture.app);
  });

  test('the cfn-guard binary shipped in the npm package runs on this machine', () => {
    const proc = spawnSync(guardBinary(), ['--version'], { encoding: 'utf-8' });
    expect(proc.status).toBe(0);
    expect(proc.stdout).toMatch(/cfn-guard \d+\.\d+\.\d+/);
  });

  test('the canary fails the expected EC2, IAM, KMS, Lambda, S3 and CloudTrail controls, named by construct path', () => {
    const path = (c: { node: { defaultChild?: unknown } }) => (c.node.defaultChild as CfnResource).node.path;
    expect(groupByPath(findingsAt(guard.failures, fixture.canary))).toEqual({
      [path(fixture.canary.policy)]: ['CT.IAM.PR.2', 'CT.IAM.PR.3'],
      [path(fixture.canary.securityGroup)]: ['CT.EC2.PR.3', 'CT.EC2.PR.4'],
      [path(fixture.canary.fn)]: ['CT.LAMBDA.PR.3'],
      [path(fixture.canary.key)]: ['CT.KMS.PR.1', 'CT.KMS.PR.3'],
      [fixture.canary.bucket.node.path]: ['CT.S3.PR.1', 'CT.S3.PR.10', 'CT.S3.PR.11', 'CT.S3.PR.2', 'CT.S3.PR.3', 'CT.S3.PR.4', 'CT.S3.PR.5', 'CT.S3.PR.6', 'CT.S3.PR.9'],
      [fixture.canary.trail.node.path]: ['CT.CLOUDTRAIL.PR.1', 'CT.CLOUDTRAIL.PR.2', 'CT.CLOUDTRAIL.PR.3'],
    });
    expect(guard.templates).toBe(1);
  });

  test('every service\'s rules flag something on the canary', () => {
    const prefixes = { EC2: 'CT.EC2.', IAM: 'CT.IAM.', KMS: 'CT.KMS.', Lambda: 'CT.LAMBDA.', S3: 'CT.S3.', CloudTrail: 'CT.CLOUDTRAIL.' };
    for (const service of Object.keys(GUARD_SERVICES) as (keyof typeof GUARD_SERVICES)[]) {
      expect(findingsAt(guard.failures, fixture.canary).some(f => f.ruleId.startsWith(prefixes[service]))).toBe(true);
    }
  });

  test('zero failures on the secure counterparts', () => {
    expect(formatFindings(findingsAt(guard.failures, fixture.secure))).toBe('');
  });

  test('only the rules of the chosen services run', () => {
    const kmsOnly = runCfnGuard(fixture.app, { services: ['KMS'] });
    expect(kmsOnly.failures.length).toBeGreaterThan(0);
    expect(kmsOnly.failures.every(f => f.ruleId.startsWith('CT.KMS.'))).toBe(true);
  });

  test('a resource acknowledges a control in Metadata.guard.SuppressedRules', () => {
    const acked = buildFixture();
    (acked.canary.key.node.defaultChild as CfnResource).addMetadata('guard', { SuppressedRules: ['kms_key_rotation_enabled_check'] });
    const result = runCfnGuard(acked.app, { services: ['KMS'] });
    const keyPath = (acked.canary.key.node.defaultChild as CfnResource).node.path;
    expect(result.suppressed.map(f => `${f.path} ${f.ruleId}`)).toEqual([`${keyPath} CT.KMS.PR.1`]);
    expect(result.failures.filter(f => f.path === keyPath).map(f => f.ruleId)).toEqual(['CT.KMS.PR.3']);
  });
});

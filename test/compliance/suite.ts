/**
 * The standard compliance suite for an app that uses the library: cdk-nag (AwsSolutions, NIST 800-53 R5,
 * HIPAA Security) and the Control Tower proactive controls for EC2, IAM, KMS, Lambda, S3 and CloudTrail.
 *
 * - the deliberately insecure canary in the same app is flagged by every pack and every service (the checks
 *   can fail);
 * - zero unacknowledged findings on resources under the library's constructs;
 * - every acknowledgement the library writes on its own resources has a specific reason and is needed: with
 *   the acknowledgements removed, each one turns into a finding.
 */
import { App } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  GUARD_SERVICES, GuardResult, NAG_PACKS, NagResult, constructClassesOf, findingsAt, findingsUnder, formatFindings,
  ownedRoots, runCfnGuard, runNagPacks, stripAcknowledgements,
} from './harness';
import * as lib from '../../src';

export interface ComplianceSubject {
  readonly app: App;
  /** The deliberately insecure construct in the same app. */
  readonly canary: IConstruct;
}

const GUARD_PREFIX: Record<keyof typeof GUARD_SERVICES, string> = {
  EC2: 'CT.EC2.', IAM: 'CT.IAM.', KMS: 'CT.KMS.', Lambda: 'CT.LAMBDA.', S3: 'CT.S3.', CloudTrail: 'CT.CLOUDTRAIL.',
};

/** Paths of the library's constructs in an app: instances of every construct class exported from src/index.ts. */
export function libraryRoots(app: IConstruct): string[] {
  return ownedRoots(app, constructClassesOf(lib));
}

export interface ComplianceSuiteOptions {
  /**
   * Build the app a second time, strip the library's acknowledgements and show each one turns into a finding.
   * @default true
   */
  readonly checkAcknowledgementsNeeded?: boolean;
}

export function complianceSuite(name: string, build: () => ComplianceSubject, options: ComplianceSuiteOptions = {}): void {
  describe(`${name}: compliance`, () => {
    let subject: ComplianceSubject;
    let roots: string[];
    let nag: NagResult;
    let guard: GuardResult;
    beforeAll(() => {
      subject = build();
      roots = libraryRoots(subject.app);
      nag = runNagPacks(subject.app);
      guard = runCfnGuard(subject.app, { assembly: nag.assembly });
    });

    test('the app uses the library', () => {
      expect(roots.length).toBeGreaterThan(0);
    });

    test.each([...NAG_PACKS])('cdk-nag %s flags the insecure canary', pack => {
      expect(findingsAt(nag.errors, subject.canary).filter(f => f.pack === pack).length).toBeGreaterThan(0);
    });

    test.each(Object.keys(GUARD_SERVICES))('Control Tower %s rules flag the insecure canary', service => {
      const prefix = GUARD_PREFIX[service as keyof typeof GUARD_SERVICES];
      expect(findingsAt(guard.failures, subject.canary).some(f => f.ruleId.startsWith(prefix))).toBe(true);
    });

    test('zero cdk-nag errors on resources the library creates', () => {
      expect(formatFindings(findingsUnder(nag.errors, roots))).toBe('');
    });

    test('zero Control Tower failures on resources the library creates', () => {
      expect(formatFindings(findingsUnder(guard.failures, roots))).toBe('');
    });

    test('each acknowledgement on a library resource gives a specific reason', () => {
      for (const f of findingsUnder(nag.suppressed, roots)) {
        expect(`${f.ruleId} ${f.path}: ${f.suppressedReason ?? ''}`).toMatch(/: .{40,}/);
      }
    });

    // Integ apps build on import and cannot be rebuilt in one process: for them this check runs on the
    // representative app instead (checkAcknowledgementsNeeded: false), rather than being registered as skipped.
    if (!(options.checkAcknowledgementsNeeded ?? true)) return;
    test('each acknowledgement on a library resource is needed', () => {
      const fresh = build();
      const freshRoots = libraryRoots(fresh.app);
      const removed = stripAcknowledgements(fresh.app, freshRoots);
      const bare = runNagPacks(fresh.app);
      const bareGuard = runCfnGuard(fresh.app, { assembly: bare.assembly });
      const nagFound = new Set(bare.errors.map(f => `${f.path} ${f.ruleId}`));
      const guardFound = new Set(bareGuard.failures.flatMap(f => [`${f.path} ${f.ruleId}`, `${f.path} ${f.ruleName}`]));
      const unneeded = removed.flatMap(r => [
        ...r.nag.filter(id => !nagFound.has(`${r.path} ${id}`)).map(id => `cdk-nag ${id} on ${r.path}`),
        ...r.guard.filter(id => !guardFound.has(`${r.path} ${id}`)).map(id => `cfn-guard ${id} on ${r.path}`),
      ]);
      expect(unneeded).toEqual([]);
    });
  });
}

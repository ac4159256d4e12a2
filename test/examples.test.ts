/**
 * One snapshot test per example: whole-template drift shows up here. Fine-grained intent is asserted in
 * the construct tests.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../examples/app';

describe('example app', () => {
  const app = buildExampleApp();
  const stacks = app.node.children.filter((c): c is import('aws-cdk-lib').Stack => (c as any).templateOptions !== undefined);

  test('has stacks', () => {
    expect(stacks.length).toBeGreaterThan(0);
  });

  test.each(stacks.map((s) => [s.stackName, s]))('%s matches its snapshot', (_name, stack) => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

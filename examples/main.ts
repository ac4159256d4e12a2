// Entry point for `cdk synth` / `cdk deploy` of the example app.
import { buildExampleApp } from './app';

buildExampleApp().synth();

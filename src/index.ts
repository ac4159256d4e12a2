export * from './connect-conditions';
export * from './cluster';

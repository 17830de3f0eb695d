// Jest global setup of the e2e suites: dist/ is built once, before any worker starts (suites run
// several at a time and spawn servers from dist/, so none may rebuild it under another), then the
// Redis servers of the unit suites' setup.
import globalSetup from './global-setup';
import { ensureBuilt } from './server-process';

export default async function e2eGlobalSetup(): Promise<void> {
  ensureBuilt();
  await globalSetup();
}

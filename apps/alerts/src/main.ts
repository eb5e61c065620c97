import 'reflect-metadata';
import { loadAlertsConfig } from '@pulse/config';
import { runApp } from '@pulse/platform';
import { alertsApp } from './alerts-app';

void runApp({
  name: 'alerts',
  loadConfig: loadAlertsConfig,
  port: (config) => config.alertsPort,
  createModule: alertsApp,
});

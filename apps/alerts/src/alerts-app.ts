import { provisionAlertRules } from '@pulse/alerts';
import type { AlertsConfig } from '@pulse/config';
import { createKafka, ensureTopics, TopicNames } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import type { AppContext, AppModule } from '@pulse/platform';
import { AlertsMetrics } from './alerts.metrics';
import { AlertsModule } from './alerts.module';
import { createAlertsParts } from './alerts-parts';
import { IssueAlertsConsumer } from './issue-alerts.consumer';

/**
 * The alerts app's part of its start (runApp does the rest): its parts, the rules of the
 * provisioning file (a bad file stops the start with a message naming the rule and its problems),
 * the errors topic, and the issue alerts consumer started before the HTTP side listens. The
 * scheduler and the outbox worker start with the module and stop on shutdown, after the consumer.
 */
export async function alertsApp({ config, registry, logger, metrics }: AppContext<AlertsConfig>): Promise<AppModule> {
  const alertsMetrics = new AlertsMetrics(metrics);
  const parts = createAlertsParts(config, registry, alertsMetrics, logger);
  if (config.alertsProvisioningFile !== undefined) {
    const result = await provisionAlertRules(parts.pool, config.alertsProvisioningFile);
    logger.info({ file: config.alertsProvisioningFile, ...result }, 'provisioned alert rules');
  }
  const topics = new TopicNames(config.kafkaTopicPrefix);
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-alerts` }, (level, message, extra) => logger[level](extra, message));
  const { warnings } = await ensureTopics(kafka, [{ topic: topics.records[RecordKind.Error], partitions: config.kafkaPartitions }]);
  for (const warning of warnings) logger.warn(warning);
  const consumer = new IssueAlertsConsumer({ kafka, topics, config, evaluator: parts.issueAlerts, metrics: alertsMetrics, logger });
  return {
    module: AlertsModule.forRoot({ kafka, parts, consumer, metrics, tickMs: config.alertsTickMs }),
    beforeListen: () => consumer.start(),
  };
}

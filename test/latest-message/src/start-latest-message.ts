import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { createConsumerMetrics, startConsumerService, type ConsumerConfig, type ConsumerService } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import type { ConsumedRecord } from '@wabus/kafka';
import { projection } from '@wabus/projection';
import { LatestMessageError } from './errors.ts';
import { evolve, factsOf, type LatestMessage } from './latest-message.ts';

const NAME = 'latest-message';
const collection = (db: Db) => db.collection<LatestMessage>('latest');

/** GET /v1/latest/:phoneNumberId/:customerId: the conversation's latest message. */
const routes: FastifyPluginAsync<{ db: Db }> = async (app, { db }) => {
  app.get<{ Params: { phoneNumberId: string; customerId: string } }>('/v1/latest/:phoneNumberId/:customerId', async (req) => {
    const doc = await collection(db).findOne({ _id: `${req.params.phoneNumberId}:${req.params.customerId}` });
    if (doc === null) throw new LatestMessageError('WABUS_LATEST_MESSAGE_NOT_FOUND');
    return doc;
  });
};

/** The whole service: a projection as its handler, its read route; the chassis and consumer layer do the rest. */
export function startLatestMessage(o: { config: ConsumerConfig; logger: Logger; defaultMetrics?: boolean }): Promise<ConsumerService> {
  const { registry, observer } = createConsumerMetrics(NAME, { defaultMetrics: o.defaultMetrics ?? false });
  return startConsumerService({
    name: NAME,
    config: o.config,
    logger: o.logger,
    registry,
    observer,
    routes,
    handler: async (db) => {
      const latest = projection({ collection: collection(db), factsOf: (r: ConsumedRecord<WhatsAppEvent>) => factsOf(r.event), evolve });
      return {
        async handleBatch(records) {
          const outcomes = await latest.apply(records);
          return { duplicateOffsets: records.filter((_, i) => outcomes[i] === 'duplicate').map((r) => r.offset) };
        },
      };
    },
  });
}

import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/schema.js';
import { openApiDocument } from './document.js';

/** GET /openapi.json: the description of every endpoint. Public: it holds shapes, no data. Built once. */
export const openApiRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const body = JSON.stringify(openApiDocument(config));
  app.get('/openapi.json', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(body),
  );
};

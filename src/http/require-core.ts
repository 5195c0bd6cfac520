import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { requireReady } from './require-ready.js';

/**
 * What the staff, admin, health and metrics routes read of the bot: empty here; each feature
 * declares on it (TypeScript's declaration merging, as fastify's own decorators are typed) the
 * parts its routes use, so that this folder knows no feature and a feature sees what it declared.
 * The assembled bot (src/app/) is checked against it where the app registers the routes.
 */
export interface CorePort {}

declare module 'fastify' {
  interface FastifyRequest {
    /** The bot, on the routes of a scope that registered requireCore. */
    readonly core: CorePort;
  }
}

/** The bot once it is ready; undefined while it starts (trains or loads the NLU). */
export type GetCore = () => CorePort | undefined;

export interface RequireCoreOptions {
  getCore: GetCore;
  /** The answer while the core starts; by default a 503 error. */
  whileStarting?: (reply: FastifyReply) => FastifyReply;
}

/** requireReady with the bot as `request.core`: for the staff, admin, health and metrics routes. */
export const requireCore = fp<RequireCoreOptions>(async (app, { getCore, whileStarting }) => {
  await app.register(requireReady, { getPort: getCore, decorator: 'core', whileStarting });
}, { name: 'require-core' });

/** What /health and /metrics answer while the core starts (a load balancer waits for a 200). */
export const startingStatus = (reply: FastifyReply) => reply.code(503).send({ status: 'starting' });

export const starting = z.object({ status: z.literal('starting') }).describe('The bot is still starting (training or loading the NLU)');

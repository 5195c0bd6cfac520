import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ChatCore } from '../core/chat-core.js';
import { requireReady } from './require-ready.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The chat core, on the routes of a scope that registered requireCore. */
    readonly core: ChatCore;
  }
}

/** The core once it is ready; undefined while it starts (trains or loads the NLU). */
export type GetCore = () => ChatCore | undefined;

export interface RequireCoreOptions {
  getCore: GetCore;
  /** The answer while the core starts; by default a 503 error. */
  whileStarting?: (reply: FastifyReply) => FastifyReply;
}

/** requireReady with the whole core as `request.core`: for the staff, admin, health and metrics routes. */
export const requireCore = fp<RequireCoreOptions>(async (app, { getCore, whileStarting }) => {
  await app.register(requireReady, { getPort: getCore, decorator: 'core', whileStarting });
}, { name: 'require-core' });

import type { WebChatPort } from '../../core/ports.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The web chat's port, on the routes of the web chat's scopes (requireReady). */
    readonly webChat: WebChatPort;
  }
}

/** The port once the bot is ready; undefined while it starts (trains or loads the NLU). */
export type GetWebChatPort = () => WebChatPort | undefined;

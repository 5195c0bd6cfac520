import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_EVENT_STREAMS } from '../../config.js';
import type { GetWebChatPort } from './port.js';
import { chatRoutes } from './routes.js';
import { widgetFiles, widgetLabels } from './widget.js';

export interface WebchatOptions {
  getPort: GetWebChatPort;
  /** WIDGET_ORIGINS: sites allowed to embed the widget; the server's own pages always may. */
  origins: string[];
  /** Chat messages a client may send per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** MAX_EVENT_STREAMS: event streams open at once on this instance. */
  maxEventStreams?: number;
  /** Folder of widget.js, widget.css and the demo page; web/ by default. */
  webDir?: string;
}

/**
 * The embeddable web chat: its files, the chat API (/api/chat) and the widget's labels
 * (/api/widget). CORS is registered in the two API scopes only, the routes the widget calls.
 */
export const webchat: FastifyPluginAsync<WebchatOptions> = async (app, { getPort, origins, rateLimitPerMinute, maxEventStreams = DEFAULT_EVENT_STREAMS, webDir }) => {
  app.register(widgetFiles, { webDir });
  app.register(chatRoutes, { prefix: '/api/chat', getPort, origins, perMinute: rateLimitPerMinute, maxStreams: maxEventStreams });
  app.register(widgetLabels, { prefix: '/api/widget', getPort, origins });
};

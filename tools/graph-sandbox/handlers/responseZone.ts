import type { GraphResponse } from '../core/graphResponses';
import { preferredResponseZone, UTC_ZONE, type ResponseZone } from '../time/graphDateTime';
import type { HandlerContext } from './handlerContext';

/** The zone event times are written in (Prefer: outlook.timezone, else UTC) and the header saying so. */
export function responseZone(context: HandlerContext): { zone: ResponseZone; headers: Record<string, string> } {
  const zone = preferredResponseZone(context.headers);
  return { zone, headers: zone === UTC_ZONE ? {} : { 'Preference-Applied': `outlook.timezone="${zone.name}"` } };
}

export function withHeaders(response: GraphResponse, headers: Record<string, string>): GraphResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/**
 * An `@odata.nextLink` as a path under the client's base URL. The Graph SDK treats only https links as
 * absolute, so an http link (the local sandbox) would be appended to the base URL; a path works for both.
 *   "http://127.0.0.1:5100/v1.0/users?$skiptoken=x" → "/users?$skiptoken=x"
 */
export function nextPagePath(link: string): string {
  const url = new URL(link);
  return `${url.pathname.replace(/^\/v1\.0(?=\/)/i, '')}${url.search}`;
}

/** An `Authorization` / `Proxy-Authorization` value for HTTP Basic, UTF-8 as requests encodes it. */
export function basicAuthHeader(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

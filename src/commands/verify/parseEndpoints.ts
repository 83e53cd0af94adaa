import type { Member } from './member.js';

/** `host:port` or `[ipv6]:port`; the port may be left out, then `defaultPort` applies. */
const endpointPattern = /^(?:\[(?<ipv6>[^\]]+)\]|(?<host>[^:[\]]+))(?::(?<port>\d+))?$/;

/** The members named by `--endpoints host:port,...`, pod 0 first, each named as written. */
export function parseEndpoints(list: string, defaultPort: number): Member[] {
  const endpoints = list.split(',').map((e) => e.trim());
  if (endpoints.some((e) => e === '')) throw new Error(`--endpoints: found "${list}"; expected host:port,host:port,... with pod 0 first`);
  return endpoints.map((endpoint) => {
    const groups = endpointPattern.exec(endpoint)?.groups;
    const host = groups?.ipv6 ?? groups?.host;
    const port = groups?.port === undefined ? defaultPort : Number(groups.port);
    if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`--endpoints: found "${endpoint}"; expected host:port (or [ipv6]:port) with a port from 1 to 65535`);
    }
    return { name: endpoint, host, port, aliases: [] };
  });
}

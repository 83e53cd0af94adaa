import type { V1Container, V1StatefulSet } from '@kubernetes/client-node';
import type { ExporterPolicy } from '../policy/replicationPolicy.js';
import { passwordVariable } from './buildInitContainer.js';
import { exporterAddressEnv, exporterListenEnv, exporterPasswordEnv } from '../../wire/replicationNames.js';
import { parseImage } from './imageReference.js';
import type { RedisSetup } from './redisSetup.js';
import { restrictedSecurityContext } from './restrictedSecurityContext.js';

/** The user oliver006/redis_exporter's images run as. The exporter reads no file, so any non-root user does. */
const exporterUser = 59000;

/**
 * Whether `image` is a redis_exporter, from any registry or mirror: oliver006/redis_exporter, Bitnami's
 * bitnami/redis-exporter, and the mirrors and rebuilds that keep either name.
 */
export function isRedisExporterImage(image: unknown): boolean {
  if (typeof image !== 'string') return false;
  const last = parseImage(image).path.split('/').pop();
  return last === 'redis_exporter' || last === 'redis-exporter';
}

/** One exporter sidecar: its container and port names, the port it serves metrics on, and the local port it scrapes. */
export interface ExporterTarget {
  name: string;
  portName: string;
  port: number;
  scrapes: number;
}

/**
 * A redis_exporter beside the member, scraping its Redis (or Sentinel) over the pod's loopback with the
 * group's password from the same Secret reference the Redis container has: never a copy. It is set up
 * through redis_exporter's env variables and runs the image's own entrypoint, so any redis_exporter
 * image works. No probes: a failing exporter must not take the member out of its Service, and
 * redis_up 0 already says it cannot reach Redis.
 */
export function buildExporterContainer(sts: V1StatefulSet, setup: RedisSetup, exporter: ExporterPolicy, target: ExporterTarget): V1Container {
  return {
    name: target.name,
    image: exporter.image,
    env: [
      { name: exporterAddressEnv, value: `redis://localhost:${target.scrapes}` },
      ...passwordVariable(setup, exporterPasswordEnv),
      { name: exporterListenEnv, value: `:${target.port}` },
    ],
    ports: [{ name: target.portName, containerPort: target.port, protocol: 'TCP' }],
    resources: exporter.resources,
    securityContext: restrictedSecurityContext(exporterUser, sts.spec?.template?.spec?.securityContext),
  };
}

import type { V1Container } from '@kubernetes/client-node';

/**
 * bitnami/redis configures Redis from env in its own entrypoint. The webhook starts redis-server
 * itself (its script renders the role), so what that entrypoint would have made of the env is carried
 * into the rendered config here, and what cannot be carried is named. From the image's documented
 * variables (bitnami/containers, redis/README.md).
 */
export interface BitnamiSetting {
  /** A redis.conf line the variable stands for. */
  config?: { key: string; value: string };
  /** Why it cannot be honoured, and by which rule. */
  refusal?: { rule: 'replicaof' | 'sentinel' | 'tls' | 'auth' | 'start'; allowed: string };
}

const asConfigLine = 'the same setting as a redis.conf line in the annotation redis-replication/config';
const ownRoles = {
  rule: 'replicaof',
  allowed: 'no replication settings of your own: the webhook makes pod 0 the leader and points every other pod at it',
} as const;

/** One variable, its value as written (a literal; values from elsewhere are looked up by the caller when they matter). */
function setting(name: string, value: string | undefined): BitnamiSetting | BitnamiSetting[] | undefined {
  switch (name) {
    case 'REDIS_AOF_ENABLED':
      return { config: { key: 'appendonly', value: value === 'no' ? 'no' : 'yes' } };
    case 'REDIS_RDB_POLICY_DISABLED':
      return value === 'yes' ? { config: { key: 'save', value: '""' } } : undefined;
    case 'REDIS_RDB_POLICY':
      return value
        ? {
            config: {
              key: 'save',
              value: value
                .split(/\s+/)
                .flatMap((p) => p.split('#'))
                .join(' '),
            },
          }
        : undefined;
    case 'REDIS_DISABLE_COMMANDS':
      return (value ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '')
        .map((command) => ({ config: { key: 'rename-command', value: `${command} ""` } }));
    case 'REDIS_PORT_NUMBER':
      return value ? { config: { key: 'port', value } } : undefined;
    case 'REDIS_IO_THREADS':
      return value ? { config: { key: 'io-threads', value } } : undefined;
    case 'REDIS_IO_THREADS_DO_READS':
      return value ? { config: { key: 'io-threads-do-reads', value } } : undefined;
    case 'REDIS_ACLFILE':
      return value ? { config: { key: 'aclfile', value } } : undefined;
    case 'REDIS_OVERRIDES_FILE':
      return value ? { config: { key: 'include', value } } : undefined;
    case 'REDIS_REPLICATION_MODE':
    case 'REDIS_MASTER_HOST':
    case 'REDIS_MASTER_PORT_NUMBER':
    case 'REDIS_MASTER_PASSWORD':
    case 'REDIS_REPLICA_IP':
    case 'REDIS_REPLICA_PORT':
      return { refusal: ownRoles };
    case 'REDIS_TLS_ENABLED':
      return value === 'yes' ? { refusal: { rule: 'tls', allowed: 'no TLS: see the tls rule' } } : undefined;
    case 'REDIS_PASSWORD_FILE':
      return {
        refusal: {
          rule: 'auth',
          allowed: 'REDIS_PASSWORD from a Secret (valueFrom.secretKeyRef), which the webhook carries to every member and the probes',
        },
      };
    case 'REDIS_EXTRA_FLAGS':
    case 'REDIS_ALLOW_REMOTE_CONNECTIONS':
    case 'REDIS_DATA_DIR':
    case 'REDIS_DATABASE':
      return { refusal: { rule: 'start', allowed: asConfigLine } };
    default:
      if (name.startsWith('REDIS_SENTINEL_')) return { refusal: { rule: 'sentinel', allowed: 'no Sentinel of your own' } };
      return undefined;
  }
}

/** What bitnami/redis's entrypoint would read from the container's env: each variable's setting, with the env field. */
export function bitnamiSettings(container: V1Container, field: string): { name: string; field: string; setting: BitnamiSetting }[] {
  return (container.env ?? []).flatMap((variable, i) => {
    if (typeof variable?.name !== 'string') return [];
    const found = setting(variable.name, variable.value);
    const list = found === undefined ? [] : Array.isArray(found) ? found : [found];
    return list.map((s) => ({ name: variable.name, field: `${field}.env[${i}]`, setting: s }));
  });
}

/** The env variables of a bitnami/redis container configured by env that `rule` refuses, as violations. */
export function bitnamiRefusals(
  container: V1Container | undefined,
  field: string,
  rule: NonNullable<BitnamiSetting['refusal']>['rule'],
): { field: string; found: string; allowed: string }[] {
  if (!container) return [];
  return bitnamiSettings(container, field)
    .filter((s) => s.setting.refusal?.rule === rule)
    .map(({ name, field: at, setting }) => ({
      field: at,
      found: `env ${name}, which bitnami/redis's entrypoint reads; the webhook starts redis-server itself`,
      allowed: setting.refusal!.allowed,
    }));
}

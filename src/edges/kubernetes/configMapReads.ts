import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ConfigMaps } from '../../core/rules/configFileEntries.js';

/** One ConfigMap read through the API: undefined when it does not exist; other failures reject. */
export type ReadConfigMap = (namespace: string, name: string) => Promise<V1ConfigMap | undefined>;

/**
 * The ConfigMaps `names` in `namespace`, as the core takes them: by name, null for one that does not
 * exist. One that cannot be read (no RBAC, the API unreachable) is left out, so the core checks the
 * config file only as far as it was read; `onError` says why, and the init script still checks the file
 * when the pod starts.
 */
export async function readConfigMaps(
  read: ReadConfigMap,
  namespace: string,
  names: readonly string[],
  onError: (name: string, error: unknown) => void,
): Promise<ConfigMaps> {
  const answers = await Promise.all(
    names.map((name) =>
      read(namespace, name).then(
        (configMap): [string, V1ConfigMap | null] => [name, configMap ?? null],
        (error: unknown) => {
          onError(name, error);
          return undefined;
        },
      ),
    ),
  );
  return new Map(answers.filter((answer) => answer !== undefined));
}

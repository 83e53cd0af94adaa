import type { V1PodAffinityTerm } from '@kubernetes/client-node';
import type { Mutator } from './rule.js';

/** Spreads the pods of this StatefulSet over nodes, so one node failure cannot take leader and followers together. */
export const antiAffinity: Mutator = {
  name: 'antiAffinity',
  mutate(sts, ctx) {
    const pod = sts.spec?.template?.spec;
    const matchLabels = sts.spec?.selector?.matchLabels;
    if (!pod || pod.affinity !== undefined || ctx.policy.antiAffinity === 'none' || !matchLabels) return;
    const term: V1PodAffinityTerm = { labelSelector: { matchLabels: { ...matchLabels } }, topologyKey: 'kubernetes.io/hostname' };
    pod.affinity =
      ctx.policy.antiAffinity === 'required'
        ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
        : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
  },
};

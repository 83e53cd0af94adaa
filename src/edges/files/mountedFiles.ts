/**
 * Files Kubernetes mounts from Secrets and ConfigMaps (serving certificates, the policy folder), watched
 * by reading them every `intervalMs`: the kubelet swaps such a volume through a `..data` symlink, which a
 * watcher on a file misses, and fs.watch is not reliable on every file system a pod may mount. A change is
 * seen within one interval; a state that cannot be read (a swap half done) is reported and tried again.
 */
export function watchMountedFiles<T>(options: {
  /** What the files hold now; throws while they cannot be read or do not fit together. */
  read: () => T | Promise<T>;
  same: (a: T, b: T) => boolean;
  /** What was read last, before the watch starts. */
  initial: T;
  onChange: (next: T) => void;
  onUnreadable: (error: unknown) => void;
  intervalMs?: number;
}): { close(): void } {
  let last = options.initial;
  let reading = false;
  const timer = setInterval(() => {
    // A slow read (a large folder, a busy disk) is not started twice.
    if (reading) return;
    reading = true;
    Promise.resolve()
      .then(options.read)
      .then((next) => {
        if (options.same(last, next)) return;
        last = next;
        options.onChange(next);
      }, options.onUnreadable)
      .finally(() => (reading = false));
  }, options.intervalMs ?? 1000);
  timer.unref();
  return { close: () => clearInterval(timer) };
}

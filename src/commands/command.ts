export interface Command {
  /**
   * Resolves to the process exit code: 0 success, 1 a negative verdict, 2 usage or I/O errors.
   * A rejection (bad flags from node:util parseArgs included) is printed and exits 2.
   */
  run(argv: string[]): Promise<number>;
}

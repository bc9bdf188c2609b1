/**
 * An assembly's stages and selection algorithms. A file of its own with no imports: forms build
 * their schemas from these at load time, and the service sits in an import cycle through the
 * permission registry (service → permissions → modules → this module's routes → forms).
 */
export const STATUSES = ['setup', 'recruiting', 'selecting', 'running', 'finished'] as const;
export type Status = (typeof STATUSES)[number];
export const ASSEMBLY_ALGORITHMS = ['leximin', 'maximin', 'legacy'] as const;
export type AssemblyAlgorithm = (typeof ASSEMBLY_ALGORITHMS)[number];

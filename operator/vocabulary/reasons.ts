// Event reasons. Every Event the operator writes uses one of these, so admins can filter on them.
export const REASONS = {
  AssetApplied: 'Normal',
  AssetSkipped: 'Normal',
  ApplyFailed: 'Warning',
  DriftCorrected: 'Normal',
  PatchApplied: 'Normal',
  InvalidPatch: 'Warning',
  InvalidIgnoreFields: 'Warning',
  Throttled: 'Warning',
  ThrashingDetected: 'Warning',
  CRDMissing: 'Warning',
  CRDDiscovered: 'Normal',
  UnmanagedMode: 'Normal',
  RenderFailed: 'Warning',
  ReconcileSucceeded: 'Normal',
  AssetDeleted: 'Normal',
  InvalidAnnotation: 'Warning',
  MigratedFromGoAutopilot: 'Normal',
  MigrationBlocked: 'Warning',
  HyperConvergedIgnored: 'Warning',
  RolloutHeld: 'Normal',
  AssetRemoved: 'Normal',
  AssetReleased: 'Normal',
} as const;

export type EventReason = keyof typeof REASONS;
export type EventType = (typeof REASONS)[EventReason];

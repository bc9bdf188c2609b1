/**
 * Duplicate detection for directory records (groups and services): pure functions, no I/O.
 * See compare-records.ts for the scoring and find-duplicates.ts for blocking.
 */
export { addressTokens, normaliseAddress } from './addresses.js';
export {
  addressSimilarity,
  compareRecords,
  type DirectoryRecord,
  type DirectoryRecordKind,
  type DuplicateReason,
  type DuplicateReasonCode,
  NEARBY_METRES,
  nameSimilarity,
  type RecordComparison,
  SIMILAR_ADDRESS,
  SIMILAR_NAME,
} from './compare-records.js';
export {
  isSharedHost,
  normaliseEmail,
  normalisePhone,
  normalisePostcode,
  normaliseWebsite,
  websiteHost,
} from './contact-details.js';
export {
  type ClusterOptions,
  clusterDuplicates,
  createDuplicateFinder,
  DATA_QUALITY_THRESHOLD,
  type DuplicateCluster,
  type DuplicateMatch,
  type DuplicatePair,
  type FindOptions,
  findLikelyDuplicates,
  WARN_ON_CREATE_THRESHOLD,
} from './find-duplicates.js';
export { type MergeConflict, type MergeField, type MergeProposal, mergeRecords } from './merge-records.js';
export { nameTokens, normaliseName } from './names.js';

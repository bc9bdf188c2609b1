export {
  PabulibError,
  type PabulibParseResult,
  type PabulibSource,
  parsePabulib,
  parsePabulibText,
  REQUIRED_META_KEYS,
} from './parse.js';
export type { PbFile, PbProject, PbVote, PbVoteType, PbWarning } from './types.js';
export { VOTE_TYPES } from './types.js';
export { pabulibToString, quoteField, writePabulib } from './write.js';

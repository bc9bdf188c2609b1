/**
 * A pabulib `.pb` file as data: what the file says, kept faithfully (values as the strings the
 * file holds, columns and META keys in file order) so that writing it back gives the same data.
 * Turning it into an election to count (money as exact integers, ballots as project indexes) is
 * the counting library's job: see src/lib/pb-rules.
 * Format: ../shared/schemas/pabulib/README.md (from https://pabulib.org/format).
 */

/** The vote types pabulib files use. */
export const VOTE_TYPES = ['approval', 'choose-1', 'ordinal', 'cumulative', 'scoring'] as const;
export type PbVoteType = (typeof VOTE_TYPES)[number];

/**
 * One row of the PROJECTS section. `fields` holds every column but project_id, as written
 * (so `fields.cost` equals `cost`; the writer takes the cost column from `cost`).
 */
export interface PbProject {
  id: string;
  /** The cost column as written (a non-negative number; checked when parsed). */
  cost: string;
  fields: Record<string, string>;
  /** Line number in the file, for messages (0 when the project was not read from a file). */
  line: number;
}

/** One row of the VOTES section. */
export interface PbVote {
  voterId: string;
  /** Project ids in the order written; for ordinal ballots, most preferred first. */
  vote: string[];
  /**
   * Points aligned with `vote`, for cumulative and scoring ballots; absent otherwise. (The parser
   * sets it whenever the VOTES header has a points column, which cumulative and scoring files
   * must have.)
   */
  points?: number[];
  /** Every other column (age, sex, voting_method, neighborhood…), as written. */
  fields: Record<string, string>;
  line: number;
}

export interface PbFile {
  /** META as key/value pairs in file order (keys unique). */
  meta: Array<[key: string, value: string]>;
  /** PROJECTS header, in file order (starts with project_id). */
  projectColumns: string[];
  projects: PbProject[];
  /** VOTES header, in file order (starts with voter_id). */
  voteColumns: string[];
  votes: PbVote[];
}

/** Something in a file that is odd but not fatal (e.g. num_votes disagrees with the rows). */
export interface PbWarning {
  line: number;
  message: string;
}

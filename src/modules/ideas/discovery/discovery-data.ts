import type { IdeaCall } from './call-service.js';
import type { IdeaListItem } from './discovery-service.js';

/**
 * The open data shapes of ideas and calls: the same fields in the JSON and the CSV. Public data
 * never names residents, so there is no author (person or group) in either.
 */
export function ideaJson(placeSlug: string) {
  return (i: IdeaListItem) => ({
    id: i.id,
    title: i.title,
    summary: i.summary,
    who_it_helps: i.whoItHelps,
    ward_code: i.wardCode,
    ward_name: i.wardName,
    area: i.area,
    theme: i.theme,
    stage: i.stage,
    call_id: i.callId,
    challenge_id: i.challengeId,
    supports: i.supports,
    comments: i.comments,
    created_at: i.createdAt.toISOString(),
    last_activity_at: i.lastActivityAt.toISOString(),
    url: `/${placeSlug}/ideas/${i.id}`,
  });
}
export type IdeaJson = ReturnType<ReturnType<typeof ideaJson>>;

export const IDEA_CSV_COLUMNS: (keyof IdeaJson & string)[] = [
  'id',
  'title',
  'summary',
  'who_it_helps',
  'ward_code',
  'ward_name',
  'area',
  'theme',
  'stage',
  'call_id',
  'challenge_id',
  'supports',
  'comments',
  'created_at',
  'last_activity_at',
  'url',
];

export function callJson(placeSlug: string) {
  return (c: IdeaCall) => ({
    id: c.id,
    question: c.question,
    description: c.description,
    status: c.status,
    opens_on: c.opensOn,
    closes_on: c.closesOn,
    challenge_id: c.challengeId,
    ideas: c.ideas,
    url: `/${placeSlug}/ideas/calls/${c.id}`,
  });
}
export type CallJson = ReturnType<ReturnType<typeof callJson>>;

export const CALL_CSV_COLUMNS: (keyof CallJson & string)[] = [
  'id',
  'question',
  'description',
  'status',
  'opens_on',
  'closes_on',
  'challenge_id',
  'ideas',
  'url',
];

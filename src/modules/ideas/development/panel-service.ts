import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Stage } from '../idea-kinds.js';
import {
  getIdea,
  ideaPath,
  listUpdates,
  type Member,
  movesFor,
  type Outcome,
  outcomeOf,
  type Trial,
  teamOf,
  trialOf,
  type Update,
} from './development-service.js';
import { type PutForward, putForwardOf } from './put-forward-service.js';

export type JourneyStep = { key: string; labelKey: string; current: boolean; done: boolean };

export type DevelopmentPanel = {
  ideaId: string;
  stage: Stage;
  journey: JourneyStep[];
  team: Member[];
  trial: Trial | null;
  outcome: Outcome | null;
  updates: Update[];
  /** More updates than the panel shows. */
  moreUpdates: boolean;
  putForward: PutForward[];
  urls: {
    team: string;
    join: string;
    leave: string;
    updates: string;
    newUpdate: string;
    stage: string;
    putForward: string;
  };
  actions: {
    join: boolean;
    leave: boolean;
    signInToJoin: boolean;
    postUpdate: boolean;
    move: boolean;
    putForward: boolean;
  };
};

const ORDER: Stage[] = ['proposed', 'developing', 'testing'];

/** The path so far: proposed → being developed → being tested → adopted / learned from. */
export function journeyOf(stage: Stage): JourneyStep[] {
  const at = ORDER.indexOf(stage);
  const ended = at < 0;
  const steps: JourneyStep[] = ORDER.map((s, i) => ({
    key: s,
    labelKey: `ideas.stages.${s}`,
    current: s === stage,
    done: ended || i < at,
  }));
  steps.push({
    key: ended ? stage : 'ending',
    labelKey: ended ? `ideas.stages.${stage}` : 'ideas.development.panel.ending',
    current: ended,
    done: false,
  });
  return steps;
}

/**
 * What the idea page's development panel shows (ideas/development/views/idea-panel.njk): the
 * stage journey, the team, the trial, the outcome, the latest updates and what the person
 * looking may do. Throws NotFound as the idea page would.
 */
export async function developmentPanel(ctx: ServiceContext, ideaId: string): Promise<DevelopmentPanel> {
  const idea = await getIdea(ctx, ideaId);
  const [team, trial, outcome, updates, putForward, moves] = await Promise.all([
    teamOf(ctx, idea),
    trialOf(ctx, idea),
    outcomeOf(ctx, idea),
    listUpdates(ctx, idea, 6),
    putForwardOf(ctx, idea),
    movesFor(ctx, idea),
  ]);
  const me = ctx.actor?.userId;
  const member = Boolean(me && team.some((m) => m.userId === me));
  const open = idea.published && idea.stage !== 'adopted' && idea.stage !== 'learned';
  const leads =
    moves.length > 0 ||
    Boolean(me && (idea.authorId === me || team.some((m) => m.userId === me && m.isLead)));
  const base = ideaPath(ctx.place.slug, idea.id);
  return {
    ideaId: idea.id,
    stage: idea.stage,
    journey: journeyOf(idea.stage),
    team,
    trial,
    outcome,
    updates: updates.slice(0, 5),
    moreUpdates: updates.length > 5,
    putForward,
    urls: {
      team: `${base}/team`,
      join: `${base}/team/join`,
      leave: `${base}/team/leave`,
      updates: `${base}/updates`,
      newUpdate: `${base}/updates/new`,
      stage: `${base}/stage`,
      putForward: `${base}/put-forward`,
    },
    actions: {
      join: open && Boolean(me) && !member,
      signInToJoin: open && !me,
      leave: member,
      postUpdate: idea.published && leads,
      move: moves.length > 0,
      putForward: idea.published && leads && ctx.place.modules.includes('budgeting'),
    },
  };
}

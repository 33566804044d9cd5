import { DataSource } from 'typeorm';
import {
  placementScope,
  requirePlacementChangeable,
  requireRows,
  requireWriter,
  rowWall,
} from '../auth/policy';
import { Principal } from '../auth/principal';
import { underWall } from '../auth/row-wall';
import { Placement, Pupil, Review, Target } from '../entities';
import { ReviewKind, ReviewProgress } from '../entities/review.entity';
import { TargetKind, TargetStatus } from '../entities/target.entity';
import { saveAudited, snapshot } from './audited-save';
import { notFound, RecordError } from './record-errors';
import { applyPatch, placementByRef } from './references';

export interface TargetFields {
  kind: TargetKind;
  description: string;
  status: TargetStatus;
  agreedByPupil: boolean;
  agreedBySchool: boolean;
  agreedByProvider: boolean;
}
export type TargetCreate = {
  placementRef: string;
  targetRef: string;
  kind: TargetKind;
  description: string;
} & Partial<TargetFields>;
export type TargetUpdate = Partial<TargetFields>;

export interface ReviewFields {
  kind: ReviewKind;
  progress: ReviewProgress | null;
  pupilViewsRecorded: boolean;
  parentsInvolved: boolean;
  notes: string | null;
}
export type ReviewCreate = { placementRef: string; reviewDate: string } & Partial<ReviewFields>;
export type ReviewUpdate = Partial<ReviewFields>;

/** A placement's plan: its targets (the individual learning plan) and its reviews. */
export class PlacementPlanService {
  constructor(private readonly ds: DataSource) {}

  /** Targets of the given placements, in reference order. */
  async targetsOf(caller: Principal, placementIds: readonly number[]): Promise<Target[]> {
    requireRows(caller);
    const scope = placementScope(caller, 'pl', 'p');
    const qb = this.ds
      .getRepository(Target)
      .createQueryBuilder('t')
      .innerJoin(Placement, 'pl', 'pl.id = t.placement_id')
      .innerJoin(Pupil, 'p', 'p.id = pl.pupil_id')
      .where('t.placementId = ANY(:placementIds)', { placementIds })
      .andWhere(scope.sql, scope.params)
      .orderBy('t.targetRef');
    return underWall({ db: this.ds, wall: rowWall(caller) }, qb, (q) => q.getMany());
  }

  /** Reviews of the given placements, oldest first. */
  async reviewsOf(caller: Principal, placementIds: readonly number[]): Promise<Review[]> {
    requireRows(caller);
    const scope = placementScope(caller, 'pl', 'p');
    const qb = this.ds
      .getRepository(Review)
      .createQueryBuilder('r')
      .innerJoin(Placement, 'pl', 'pl.id = r.placement_id')
      .innerJoin(Pupil, 'p', 'p.id = pl.pupil_id')
      .where('r.placementId = ANY(:placementIds)', { placementIds })
      .andWhere(scope.sql, scope.params)
      .orderBy('r.reviewDate');
    return underWall({ db: this.ds, wall: rowWall(caller) }, qb, (q) => q.getMany());
  }

  /** The placement by reference for a change of its plan: one the caller may change (as its record). */
  private async writable(caller: Principal, kind: 'target' | 'review', placementRef: string) {
    requireWriter(caller, kind);
    const placement = await placementByRef(this.ds.manager, placementRef);
    await requirePlacementChangeable(this.ds, caller, placement);
    return placement;
  }

  async createTarget(caller: Principal, input: TargetCreate): Promise<Target> {
    const placement = await this.writable(caller, 'target', input.placementRef);
    const repo = this.ds.getRepository(Target);
    if (await repo.existsBy({ placementId: placement.id, targetRef: input.targetRef }))
      throw new RecordError(
        'CONFLICT',
        `placement ${input.placementRef} already has target ${input.targetRef}`,
        'targetRef',
      );
    const { placementRef: _ref, ...fields } = input;
    const key = `${input.placementRef}/${input.targetRef}`;
    const target = applyPatch(repo.create({ placementId: placement.id }), fields);
    return saveAudited(this.ds, caller, Target, { kind: 'target', key, before: null }, target);
  }

  async updateTarget(
    caller: Principal,
    placementRef: string,
    targetRef: string,
    patch: TargetUpdate,
  ): Promise<Target> {
    const placement = await this.writable(caller, 'target', placementRef);
    const repo = this.ds.getRepository(Target);
    const target = await repo.findOneBy({ placementId: placement.id, targetRef });
    if (!target) throw notFound('target', `${placementRef}/${targetRef}`, 'targetRef');
    const before = snapshot(target);
    const key = `${placementRef}/${targetRef}`;
    return saveAudited(
      this.ds,
      caller,
      Target,
      { kind: 'target', key, before },
      applyPatch(target, patch as Partial<Target>),
    );
  }

  async createReview(caller: Principal, input: ReviewCreate): Promise<Review> {
    const placement = await this.writable(caller, 'review', input.placementRef);
    const repo = this.ds.getRepository(Review);
    if (await repo.existsBy({ placementId: placement.id, reviewDate: input.reviewDate }))
      throw new RecordError(
        'CONFLICT',
        `placement ${input.placementRef} already has a review on ${input.reviewDate}`,
        'reviewDate',
      );
    const { placementRef: _ref, ...fields } = input;
    const key = `${input.placementRef}/${input.reviewDate}`;
    const review = applyPatch(repo.create({ placementId: placement.id }), fields);
    return saveAudited(this.ds, caller, Review, { kind: 'review', key, before: null }, review);
  }

  async updateReview(
    caller: Principal,
    placementRef: string,
    reviewDate: string,
    patch: ReviewUpdate,
  ): Promise<Review> {
    const placement = await this.writable(caller, 'review', placementRef);
    const repo = this.ds.getRepository(Review);
    const review = await repo.findOneBy({ placementId: placement.id, reviewDate });
    if (!review) throw notFound('review', `${placementRef}/${reviewDate}`, 'reviewDate');
    const before = snapshot(review);
    const key = `${placementRef}/${reviewDate}`;
    return saveAudited(
      this.ds,
      caller,
      Review,
      { kind: 'review', key, before },
      applyPatch(review, patch as Partial<Review>),
    );
  }
}

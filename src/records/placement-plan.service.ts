import { DataSource } from 'typeorm';
import { Principal } from '../auth/principal';
import { Review, Target } from '../entities';
import { ReviewKind, ReviewProgress } from '../entities/review.entity';
import { TargetKind, TargetStatus } from '../entities/target.entity';
import { guardWrite, notFound, RecordError } from './record-errors';
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
  async targetsOf(_caller: Principal, placementIds: readonly number[]): Promise<Target[]> {
    return this.ds
      .getRepository(Target)
      .createQueryBuilder('t')
      .where('t.placementId = ANY(:placementIds)', { placementIds })
      .orderBy('t.targetRef')
      .getMany();
  }

  /** Reviews of the given placements, oldest first. */
  async reviewsOf(_caller: Principal, placementIds: readonly number[]): Promise<Review[]> {
    return this.ds
      .getRepository(Review)
      .createQueryBuilder('r')
      .where('r.placementId = ANY(:placementIds)', { placementIds })
      .orderBy('r.reviewDate')
      .getMany();
  }

  async createTarget(_caller: Principal, input: TargetCreate): Promise<Target> {
    const placement = await placementByRef(this.ds.manager, input.placementRef);
    const repo = this.ds.getRepository(Target);
    if (await repo.existsBy({ placementId: placement.id, targetRef: input.targetRef }))
      throw new RecordError(
        'CONFLICT',
        `placement ${input.placementRef} already has target ${input.targetRef}`,
        'targetRef',
      );
    const { placementRef: _ref, ...fields } = input;
    return guardWrite(() => repo.save(applyPatch(repo.create({ placementId: placement.id }), fields)));
  }

  async updateTarget(
    _caller: Principal,
    placementRef: string,
    targetRef: string,
    patch: TargetUpdate,
  ): Promise<Target> {
    const placement = await placementByRef(this.ds.manager, placementRef);
    const repo = this.ds.getRepository(Target);
    const target = await repo.findOneBy({ placementId: placement.id, targetRef });
    if (!target) throw notFound('target', `${placementRef}/${targetRef}`, 'targetRef');
    return guardWrite(() => repo.save(applyPatch(target, patch)));
  }

  async createReview(_caller: Principal, input: ReviewCreate): Promise<Review> {
    const placement = await placementByRef(this.ds.manager, input.placementRef);
    const repo = this.ds.getRepository(Review);
    if (await repo.existsBy({ placementId: placement.id, reviewDate: input.reviewDate }))
      throw new RecordError(
        'CONFLICT',
        `placement ${input.placementRef} already has a review on ${input.reviewDate}`,
        'reviewDate',
      );
    const { placementRef: _ref, ...fields } = input;
    return guardWrite(() => repo.save(applyPatch(repo.create({ placementId: placement.id }), fields)));
  }

  async updateReview(
    _caller: Principal,
    placementRef: string,
    reviewDate: string,
    patch: ReviewUpdate,
  ): Promise<Review> {
    const placement = await placementByRef(this.ds.manager, placementRef);
    const repo = this.ds.getRepository(Review);
    const review = await repo.findOneBy({ placementId: placement.id, reviewDate });
    if (!review) throw notFound('review', `${placementRef}/${reviewDate}`, 'reviewDate');
    return guardWrite(() => repo.save(applyPatch(review, patch)));
  }
}

import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { Allow } from '../auth/access-rules';
import { computeIndicators, computeSeries } from '../indicators/indicators.service';
import {
  IndicatorsType,
  SeriesPointType,
  toIndicatorsType,
  toSeriesPointType,
} from '../schema/indicator.types';
import { LocalDate } from '../schema/scalars';
import { Context } from '../server/context';

@Resolver()
export class IndicatorsResolver {
  @Allow('admin', 'la_officer', 'analyst')
  @Query(() => IndicatorsType, {
    description:
      'Aggregate indicators as of a date for one authority or all you may see; small numbers suppressed for aggregates-only callers.',
  })
  async indicators(
    @Arg('asOf', () => LocalDate) asOf: string,
    @Arg('authority', () => String, { nullable: true }) authority: string | null,
    @Ctx() ctx: Context,
  ): Promise<IndicatorsType> {
    return toIndicatorsType(await computeIndicators(ctx.db.dataSource, ctx.principal, { asOf, authority }));
  }

  @Allow('admin', 'la_officer', 'analyst')
  @Query(() => [SeriesPointType], {
    description:
      'The headline indicators and flag counts every 7 days from `from` to `to` (at most 60 points).',
  })
  async indicatorSeries(
    @Arg('from', () => LocalDate) from: string,
    @Arg('to', () => LocalDate) to: string,
    @Arg('authority', () => String, { nullable: true }) authority: string | null,
    @Ctx() ctx: Context,
  ): Promise<SeriesPointType[]> {
    const points = await computeSeries(ctx.db.dataSource, ctx.principal, { from, to, authority });
    return points.map(toSeriesPointType);
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORTED_VITALS } from '@pulse/analytics';
import type { RatedVitalName } from '@pulse/model';
import type { VitalSummary, WebVitalsBreakdownEntry, WebVitalsResponse, WebVitalsSeriesPoint, WebVitalsSeriesResponse } from '@pulse/analytics';

const PERCENTILE = 'DDSketch (relative accuracy 1%; CLS values, being below 1, may read up to 3% high); null without samples.';
const SHARE = 'Share of the samples (0..1) rated so by the thresholds of metrics.md; null without samples.';

/** The documented shape of VitalSummary; `implements` keeps the two in step. */
export class VitalSummaryDto implements VitalSummary {
  @ApiProperty({ description: 'Samples that match; 0 when none, and then every other field is null.', example: 1840 })
  count!: number;

  @ApiProperty({ type: 'number', nullable: true, description: `Median. Milliseconds (CLS: unitless score). ${PERCENTILE}`, example: 1650.3 })
  p50!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: `75th percentile, the field standard. ${PERCENTILE}`, example: 2390.1 })
  p75!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: `95th percentile. ${PERCENTILE}`, example: 4102.7 })
  p95!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: `Good (value ≤ the good threshold). ${SHARE}`, example: 0.76 })
  good!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: `Needs improvement (good < value ≤ poor threshold). ${SHARE}`, example: 0.18 })
  needs_improvement!: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: `Poor (value > the poor threshold). ${SHARE}`, example: 0.06 })
  poor!: number | null;
}

/** The six reported vitals and the score, as the summary and each breakdown row carry them. */
export class WebVitalsSetDto implements Record<RatedVitalName, VitalSummaryDto> {
  @ApiProperty({ type: VitalSummaryDto, description: 'Largest Contentful Paint, ms (good ≤ 2500, poor > 4000).' })
  lcp!: VitalSummaryDto;

  @ApiProperty({ type: VitalSummaryDto, description: 'First Contentful Paint, ms (good ≤ 1800, poor > 3000).' })
  fcp!: VitalSummaryDto;

  @ApiProperty({ type: VitalSummaryDto, description: 'Cumulative Layout Shift, unitless (good ≤ 0.1, poor > 0.25).' })
  cls!: VitalSummaryDto;

  @ApiProperty({ type: VitalSummaryDto, description: 'Interaction to Next Paint, ms (good ≤ 200, poor > 500).' })
  inp!: VitalSummaryDto;

  @ApiProperty({ type: VitalSummaryDto, description: 'Time to First Byte, ms (good ≤ 800, poor > 1800).' })
  ttfb!: VitalSummaryDto;

  @ApiProperty({ type: VitalSummaryDto, description: 'First Input Delay, ms (good ≤ 100, poor > 300); legacy, not in the score.' })
  fid!: VitalSummaryDto;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description:
      'Performance score 0..100 (unrounded): each of LCP, FCP, CLS, TTFB, INP scored from its p75 on a log-normal curve ' +
      '(desktop anchors), weighted 30/15/15/10/30 % and renormalised over the vitals with samples; null when none has any.',
    example: 87.4,
  })
  score!: number | null;
}

/** The documented shape of WebVitalsResponse. */
export class WebVitalsResponseDto extends WebVitalsSetDto implements WebVitalsResponse {}

/** The documented shape of WebVitalsBreakdownEntry: the key under the name given in `by`. */
export class WebVitalsBreakdownEntryDto extends WebVitalsSetDto implements WebVitalsBreakdownEntry {
  @ApiPropertyOptional({ description: 'The page, with by=page.', example: '/checkout' })
  page?: string;

  @ApiPropertyOptional({ description: 'The browser name, with by=browser.', example: 'Chrome' })
  browser?: string;

  @ApiPropertyOptional({ description: 'The release, with by=release.', example: 'shop@1.2.0' })
  release?: string;
}

/** The documented shape of WebVitalsSeriesPoint. */
export class WebVitalsSeriesPointDto extends VitalSummaryDto implements WebVitalsSeriesPoint {
  @ApiProperty({ description: 'Start of the bucket, epoch milliseconds; the bucket is [t, t + interval_ms) of sample time.', example: 1795499100000 })
  t!: number;
}

/** The documented shape of WebVitalsSeriesResponse. */
export class WebVitalsSeriesResponseDto implements WebVitalsSeriesResponse {
  @ApiProperty({ enum: [...REPORTED_VITALS], description: 'The vital asked for.', example: 'lcp' })
  vital!: RatedVitalName;

  @ApiProperty({ description: 'The bucket width in milliseconds: the requested interval, widened when needed.', example: 300000 })
  interval_ms!: number;

  @ApiProperty({ type: [WebVitalsSeriesPointDto], description: 'Every bucket of the range, oldest first, empty ones included (count 0, nulls).' })
  series!: WebVitalsSeriesPointDto[];
}

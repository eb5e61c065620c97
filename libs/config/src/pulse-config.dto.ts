import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** Shape of the JSON file named by PULSE_CONFIG. */
export class ProjectConfigDto {
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  id!: number;

  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @Matches(/^[0-9a-f]{32}$/, { each: true, message: 'each key must be 32 lower-case hex characters' })
  keys!: string[];
}

export class TokenConfigDto {
  // Tokens are bearer secrets: short ones are guessable.
  @IsString()
  @MinLength(16)
  token!: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsInt({ each: true })
  projects!: number[];
}

export class PulseConfigDto {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ProjectConfigDto)
  projects!: ProjectConfigDto[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TokenConfigDto)
  tokens!: TokenConfigDto[];
}

import { ApiProperty } from '@nestjs/swagger';
import { ErrorCatalogue, type ErrorCode } from '@chargeflow/contracts';
import { problemTypeOf } from './problem';

const EXAMPLE: ErrorCode = 'SESSION_NOT_FOUND';

/** One entry of the error catalogue, where a problem's `type` leads. */
export class ProblemType {
  @ApiProperty({ type: String, example: EXAMPLE, description: 'The `code` of the problems of this type.' })
  code!: ErrorCode;

  @ApiProperty({ example: problemTypeOf(EXAMPLE), description: 'The `type` of those problems: this entry.' })
  type!: string;

  @ApiProperty({ example: ErrorCatalogue[EXAMPLE].status, description: 'The HTTP status they answer with.' })
  status!: number;

  @ApiProperty({ example: ErrorCatalogue[EXAMPLE].title })
  title!: string;

  @ApiProperty({ example: ErrorCatalogue[EXAMPLE].description, description: 'What it means and what to do.' })
  description!: string;

  static of(code: ErrorCode): ProblemType {
    return { code, type: problemTypeOf(code), ...ErrorCatalogue[code] };
  }
}

export class ProblemTypeList {
  @ApiProperty({ type: [ProblemType] })
  items!: ProblemType[];
}

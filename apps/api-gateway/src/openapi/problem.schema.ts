import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCatalogue } from '@chargeflow/contracts';
import { problemTypeOf } from '../problem/problem';

class FieldProblem {
  @ApiProperty({ example: 'name' })
  field!: string;

  @ApiProperty({ example: 'name must be shorter than or equal to 100 characters' })
  message!: string;
}

/** The body of every error (RFC 9457), as OpenAPI shows it. */
export class ProblemDocument {
  @ApiProperty({
    example: problemTypeOf('VALIDATION_FAILED'),
    description: "The problem type: a reference to the code's entry in the error catalogue, relative to the gateway.",
  })
  type!: string;

  @ApiProperty({ example: ErrorCatalogue.VALIDATION_FAILED.title, description: "The title of the code's entry." })
  title!: string;

  @ApiProperty({ example: ErrorCatalogue.VALIDATION_FAILED.status })
  status!: number;

  @ApiProperty({ example: 'the request is invalid: name should not be empty' })
  detail!: string;

  @ApiProperty({
    example: 'VALIDATION_FAILED',
    description: 'Stable machine-readable code; GET /v1/problems lists them.',
  })
  code!: string;

  @ApiProperty({ example: '/v1/api-keys' })
  instance!: string;

  @ApiProperty({ example: '5b0c6c1e-3f5e-4a8e-9a55-2b4f1c9d7e10', description: 'The X-Request-Id of the request.' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldProblem], description: 'One entry per offending field.' })
  errors?: FieldProblem[];
}

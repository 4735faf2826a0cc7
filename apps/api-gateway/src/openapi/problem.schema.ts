import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldProblem {
  @ApiProperty({ example: 'name' })
  field!: string;

  @ApiProperty({ example: 'name must be shorter than or equal to 100 characters' })
  message!: string;
}

/** The body of every error (RFC 9457), as OpenAPI shows it. */
export class ProblemDocument {
  @ApiProperty({
    example: 'https://chargeflow.dev/problems/validation-failed',
    description: 'Identifies the kind of problem.',
  })
  type!: string;

  @ApiProperty({ example: 'Bad request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'the request is invalid: name should not be empty' })
  detail!: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code.' })
  code!: string;

  @ApiProperty({ example: '/v1/api-keys' })
  instance!: string;

  @ApiProperty({ example: '5b0c6c1e-3f5e-4a8e-9a55-2b4f1c9d7e10', description: 'The X-Request-Id of the request.' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldProblem], description: 'One entry per offending field.' })
  errors?: FieldProblem[];
}

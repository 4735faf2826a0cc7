import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, isErrorCode } from '@chargeflow/contracts';
import { Public } from '../auth/roles.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { PROBLEMS_PATH, ProblemException } from './problem';
import { ProblemType, ProblemTypeList } from './problem-type.dto';

/** The error catalogue, where every problem's `type` leads; public, like the API docs. */
@ApiTags('Problems')
@Public()
@Controller(PROBLEMS_PATH)
export class ProblemsController {
  @Get()
  @ApiOperation({
    summary: 'Every error code',
    description: 'Each code with the status it answers with, its title, and what it means and what to do.',
  })
  @ApiOkResponse({ type: ProblemTypeList })
  list(): ProblemTypeList {
    return { items: ErrorCodes.map(ProblemType.of) };
  }

  @Get(':code')
  @ApiOperation({ summary: 'One error code', description: "What a problem's `type` resolves to." })
  @ApiParam({ name: 'code', enum: ErrorCodes, example: 'SESSION_NOT_FOUND' })
  @ApiOkResponse({ type: ProblemType })
  @ApiProblems({
    code: 'UNKNOWN_ERROR_CODE',
    detail: `no error code "SESSION_LOST"; ${PROBLEMS_PATH} lists every code`,
  })
  one(@Param('code') code: string): ProblemType {
    if (!isErrorCode(code))
      throw new ProblemException('UNKNOWN_ERROR_CODE', `no error code "${code}"; ${PROBLEMS_PATH} lists every code`);
    return ProblemType.of(code);
  }
}

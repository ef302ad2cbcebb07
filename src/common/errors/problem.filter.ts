import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from './problem';

export const PROBLEM_JSON = 'application/problem+json';

export function sendProblem(reply: FastifyReply, err: unknown, request?: FastifyRequest): void {
  const { status, body, headers } = toProblem(err);
  if (status >= 500) {
    Logger.error(
      { err: err instanceof Error ? { message: err.message, stack: err.stack, name: err.name } : err, request_id: request?.id },
      'Unhandled error',
    );
  }
  void reply.status(status).headers(headers).type(PROBLEM_JSON).send(body);
}

/** The one mapping from thrown errors to HTTP responses. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getResponse<FastifyReply>(), err, http.getRequest<FastifyRequest>());
  }
}

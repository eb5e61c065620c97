import { ArgumentsHost, HttpException } from '@nestjs/common';
import pino from 'pino';
import { lastValueFrom, Observable } from 'rxjs';
import { ApiError, ErrorBodyFilter } from './error-body.filter';

function httpHost(reply: { status: jest.Mock; send: jest.Mock; header: jest.Mock }): ArgumentsHost {
  return { getType: () => 'http', switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
}

function replyDouble() {
  const reply = { status: jest.fn(), send: jest.fn(), header: jest.fn() };
  reply.status.mockReturnValue(reply);
  return reply;
}

describe('ErrorBodyFilter', () => {
  const filter = new ErrorBodyFilter(pino({ level: 'silent' }), 1024);

  it('writes an ApiError as its status, body and headers', () => {
    const reply = replyDouble();
    filter.catch(new ApiError(429, 'slow down', [], { 'Retry-After': '1' }), httpHost(reply));
    expect(reply.header).toHaveBeenCalledWith('Retry-After', '1');
    expect(reply.status).toHaveBeenCalledWith(429);
    expect(reply.send).toHaveBeenCalledWith({ detail: 'slow down' });
  });

  it('names the body limit in a 413 and hides other errors behind a 500', () => {
    const reply = replyDouble();
    filter.catch(new HttpException('Request body is too large', 413), httpHost(reply));
    expect(reply.send).toHaveBeenCalledWith({ detail: 'the request body is larger than 1024 bytes (the limit)' });
    filter.catch(new Error('secret internals'), httpHost(reply));
    expect(reply.status).toHaveBeenLastCalledWith(500);
    expect(reply.send).toHaveBeenLastCalledWith({ detail: 'internal error' });
  });

  it('hands a failed Kafka batch back to the consumer unchanged instead of writing an HTTP reply', async () => {
    const failure = new Error('connect ECONNREFUSED 127.0.0.1:8123');
    const rpcHost = { getType: () => 'rpc', switchToHttp: () => ({ getResponse: () => ({}) }) } as unknown as ArgumentsHost;
    const result = filter.catch(failure, rpcHost);
    expect(result).toBeInstanceOf(Observable);
    await expect(lastValueFrom(result as Observable<never>)).rejects.toBe(failure);
  });
});

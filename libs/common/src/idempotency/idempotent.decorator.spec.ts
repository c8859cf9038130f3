import 'reflect-metadata';
import { Controller, Get, Post } from '@nestjs/common';
import { IdempotencyNotStored } from './idempotency-secrets.decorator';
import {
  assertIdempotencyDeclared,
  Idempotent,
  undeclaredPostRoutes,
} from './idempotent.decorator';

@Controller('v1/things')
class ThingsController {
  @Post()
  @Idempotent()
  create() {}

  @Post(':id/reveal')
  @IdempotencyNotStored()
  reveal() {}

  @Post(':id/forgotten')
  forgotten() {}

  @Get()
  list() {}
}

describe('undeclaredPostRoutes', () => {
  it('names the POST routes that say nothing about Idempotency-Key', () => {
    expect(undeclaredPostRoutes([ThingsController])).toEqual(['POST /v1/things/:id/forgotten']);
    expect(() => assertIdempotencyDeclared([ThingsController])).toThrow(
      /without @Idempotent\(\) or @IdempotencyNotStored\(\): POST \/v1\/things\/:id\/forgotten/,
    );
  });
});

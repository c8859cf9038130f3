import 'reflect-metadata';
import { undeclaredPostRoutes } from '@shiming/common';
import { apiControllers } from '../app.module';

// The api refuses to start otherwise (configureApp); this says so before it is started.
describe('the api’s POST routes', () => {
  it('each declare @Idempotent() or @IdempotencyNotStored()', () => {
    expect(undeclaredPostRoutes(apiControllers({ sandbox: true }))).toEqual([]);
  });
});

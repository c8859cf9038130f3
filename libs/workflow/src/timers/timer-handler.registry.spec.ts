import { DuplicateTimerHandlerError, MissingTimerHandlerError } from './timer.errors';
import { TimerHandlerRegistry } from './timer-handler.registry';

describe('TimerHandlerRegistry', () => {
  const noop = async () => undefined;

  it('names every kind that has no handler', () => {
    const registry = new TimerHandlerRegistry();
    registry.register('review_sla', noop);
    expect(() => registry.assertHandlersFor(['review_sla'])).not.toThrow();
    expect(() =>
      registry.assertHandlersFor(['sms_code', 'review_sla', 'appeal_sla', 'sms_code']),
    ).toThrow(new MissingTimerHandlerError(['appeal_sla', 'sms_code']));
  });

  it('refuses a second handler for one kind', () => {
    const registry = new TimerHandlerRegistry();
    registry.register('review_sla', noop);
    expect(() => registry.register('review_sla', noop)).toThrow(DuplicateTimerHandlerError);
  });
});

import { DomainError } from '@shiming/common';

/** The api runs without the web app's build, so `/backoffice` has nothing to serve. */
export class WebAppNotBuiltError extends DomainError {
  readonly code = 'web_app_not_built';
  readonly status = 503;

  constructor() {
    super('The back-office web app has not been built: run `npm run build:web`, then reload.');
  }
}

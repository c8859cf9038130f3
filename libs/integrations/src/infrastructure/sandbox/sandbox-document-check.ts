import type { DocumentCheck, DocumentCheckResult, IdPhoto } from '../../document-check.port';
import { sandboxIdPhotoAccepted } from './sandbox-rules';

/** Accepts any ID photo of at least 10 KiB; a smaller one is `image_too_small`. */
export class SandboxDocumentCheck implements DocumentCheck {
  async check(photo: IdPhoto): Promise<DocumentCheckResult> {
    return sandboxIdPhotoAccepted(photo.bytes.length)
      ? { outcome: 'accepted' }
      : { outcome: 'rejected', reasonCode: 'image_too_small' };
  }
}

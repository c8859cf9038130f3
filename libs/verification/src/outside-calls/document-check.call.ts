import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  DOCUMENT_CHECK,
  DOCUMENT_STORAGE,
  type DocumentCheck,
  type DocumentStorage,
} from '@shiming/integrations';
import { isLatest, type OutsideCallHandler, type OutsideCallInput } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

/** The check of the ID card's photos, front then back; the first refusal answers. */
@Injectable()
export class DocumentCheckCall implements OutsideCallHandler, OnModuleInit {
  readonly kind = 'document_check';

  constructor(
    private readonly calls: OutsideCallRegistry,
    @Inject(DOCUMENT_CHECK) private readonly documentCheck: DocumentCheck,
    @Inject(DOCUMENT_STORAGE) private readonly documents: DocumentStorage,
  ) {}

  onModuleInit(): void {
    this.calls.register(this);
  }

  async handle({ state, events, event, record }: OutsideCallInput): Promise<void> {
    const checking =
      (state.status === 'identity_confirmed' || state.status === 'authenticated') &&
      state.documentCheck.status === 'checking';
    if (!checking || !isLatest(events, event, ['IdDocumentsSubmitted'])) return;
    const { frontId, backId } = event.data as { frontId: string; backId: string };
    let rejection: string | undefined;
    for (const [side, documentId] of [
      ['front', frontId],
      ['back', backId],
    ] as const) {
      const document = await this.documents.get(documentId);
      const result = await this.documentCheck.check({
        side,
        bytes: document.bytes,
        contentType: document.contentType,
      });
      if (result.outcome === 'rejected') {
        rejection = result.reasonCode;
        break;
      }
    }
    await record(
      (at) => ({
        type: 'RecordDocumentCheck',
        data: {
          at,
          accepted: rejection === undefined,
          ...(rejection ? { reason: rejection } : {}),
        },
      }),
      'document-check',
    );
  }
}

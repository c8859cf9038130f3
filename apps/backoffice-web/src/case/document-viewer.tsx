import { useEffect, useState } from 'react';
import { getBlob, problemOf, type Problem } from '../api/client';
import type { CaseDocument } from '../api/types';
import { formatBytes, formatTime } from '../format';
import { ProblemView } from '../ui/states';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];

/**
 * One document of a case. Fetched with the bearer header (an <img src> could not send
 * it) into a blob: URL, released when the viewer goes away. Each fetch is a view the
 * API records on the case's timeline, so it is made once per viewer.
 */
export function DocumentViewer({
  caseId,
  document,
  label,
}: {
  caseId: string;
  document: CaseDocument;
  label: string;
}) {
  const [url, setUrl] = useState<string | null>(null);
  const [type, setType] = useState(document.contentType ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [zoom, setZoom] = useState(2);
  const [rotation, setRotation] = useState(0);
  const isPdf = type === 'application/pdf';
  const facts = [
    type,
    typeof document.size === 'number' ? formatBytes(document.size) : '',
    formatTime(document.addedAt),
  ]
    .filter(Boolean)
    .join(' · ');

  useEffect(() => {
    const controller = new AbortController();
    let made: string | null = null;
    getBlob(
      `/v1/backoffice/cases/${encodeURIComponent(caseId)}/documents/${encodeURIComponent(document.id)}`,
      controller.signal,
    ).then(
      (blob) => {
        made = URL.createObjectURL(blob);
        if (blob.type) setType(blob.type);
        setUrl(made);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setProblem(problemOf(error));
      },
    );
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [caseId, document.id]);

  const scale = ZOOMS[zoom];
  return (
    <figure className="document" data-testid="document-viewer" data-document-id={document.id}>
      <figcaption>
        <span>
          <strong>{label}</strong>
          <span className="muted"> · {facts}</span>
        </span>
        {!isPdf && (
          <span className="document-tools">
            <button
              type="button"
              className="button ghost small"
              onClick={() => setZoom((z) => Math.max(0, z - 1))}
              disabled={zoom === 0}
              aria-label="Zoom out"
              data-testid="document-zoom-out"
            >
              −
            </button>
            <span className="zoom" data-testid="document-zoom">
              {Math.round(scale * 100)}%
            </span>
            <button
              type="button"
              className="button ghost small"
              onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}
              disabled={zoom === ZOOMS.length - 1}
              aria-label="Zoom in"
              data-testid="document-zoom-in"
            >
              +
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => setRotation((r) => (r + 90) % 360)}
              aria-label="Rotate a quarter turn"
              data-testid="document-rotate"
            >
              ⟳
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => {
                setZoom(2);
                setRotation(0);
              }}
              data-testid="document-reset"
            >
              Reset
            </button>
          </span>
        )}
      </figcaption>
      <div className="document-stage">
        {problem ? (
          <ProblemView problem={problem} testId="document-error" compact />
        ) : !url ? (
          <div className="state state-loading" data-testid="document-loading">
            <span className="spinner" aria-hidden="true" />
            Loading the document…
          </div>
        ) : isPdf ? (
          <object
            data={url}
            type="application/pdf"
            className="document-pdf"
            data-testid="document-pdf"
          >
            <a href={url} target="_blank" rel="noreferrer">
              Open the PDF
            </a>
          </object>
        ) : (
          <img
            src={url}
            alt={label}
            className="document-image"
            data-testid="document-image"
            data-rotation={rotation}
            data-zoom={scale}
            style={{ transform: `rotate(${rotation}deg) scale(${scale})` }}
            draggable={false}
          />
        )}
      </div>
    </figure>
  );
}

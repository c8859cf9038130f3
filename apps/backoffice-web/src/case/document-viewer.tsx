import { useEffect, useRef, useState } from 'react';
import { getBlob, problemOf, type Problem } from '../api/client';
import type { CaseDocument } from '../api/types';
import { formatBytes, formatTime } from '../format';
import { useT } from '../i18n/i18n';
import { ProblemView } from '../ui/states';
import { imageLayout, type Size } from './image-layout';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];
const DEFAULT_ZOOM = 2;

/**
 * One document of a case. Fetched with the bearer header (an <img src> could not send
 * it) into a blob: URL, released when the viewer goes away. Each fetch is a view the
 * API records on the case's timeline, so it is made once per viewer, outside the
 * page's shared cache.
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
  const t = useT();
  const [url, setUrl] = useState<string | null>(null);
  const [type, setType] = useState(document.contentType ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [zoom, setZoom] = useState(DEFAULT_ZOOM);
  const [rotation, setRotation] = useState(0);
  const [natural, setNatural] = useState<Size | null>(null);
  const [stage, setStage] = useState<Size | null>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const isPdf = type === 'application/pdf';
  const facts = [
    type,
    typeof document.size === 'number' ? formatBytes(document.size) : '',
    formatTime(t, document.addedAt),
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

  // The stage's inner size sets what 100 % is; it follows the window.
  useEffect(() => {
    const element = stageRef.current;
    if (!element) return;
    const measure = (): void => {
      const style = getComputedStyle(element);
      setStage({
        width: element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        height:
          element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
      });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const scale = ZOOMS[zoom];
  const layout =
    natural && stage && stage.width > 0 ? imageLayout(natural, stage, rotation, scale) : null;
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
              aria-label={t('viewer.zoomOut')}
              title={t('viewer.zoomOut')}
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
              aria-label={t('viewer.zoomIn')}
              title={t('viewer.zoomIn')}
              data-testid="document-zoom-in"
            >
              +
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => setRotation((r) => (r + 90) % 360)}
              aria-label={t('viewer.rotate')}
              title={t('viewer.rotate')}
              data-testid="document-rotate"
            >
              ⟳
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => {
                setZoom(DEFAULT_ZOOM);
                setRotation(0);
              }}
              data-testid="document-reset"
            >
              {t('viewer.reset')}
            </button>
          </span>
        )}
      </figcaption>
      <div className="document-stage" ref={stageRef} data-testid="document-stage">
        {problem ? (
          <ProblemView problem={problem} testId="document-error" compact />
        ) : !url ? (
          <div className="state state-loading" data-testid="document-loading">
            <span className="spinner" aria-hidden="true" />
            {t('viewer.loading')}
          </div>
        ) : isPdf ? (
          <object
            data={url}
            type="application/pdf"
            className="document-pdf"
            data-testid="document-pdf"
          >
            <a href={url} target="_blank" rel="noreferrer">
              {t('viewer.openPdf')}
            </a>
          </object>
        ) : (
          <div
            className="document-frame"
            data-testid="document-frame"
            style={layout ? { width: layout.frame.width, height: layout.frame.height } : undefined}
          >
            <img
              src={url}
              alt={label}
              className={layout ? 'document-image' : 'document-image measuring'}
              data-testid="document-image"
              data-rotation={rotation}
              data-zoom={scale}
              onLoad={(event) =>
                setNatural({
                  width: event.currentTarget.naturalWidth,
                  height: event.currentTarget.naturalHeight,
                })
              }
              style={
                layout
                  ? {
                      width: layout.image.width,
                      height: layout.image.height,
                      left: layout.image.left,
                      top: layout.image.top,
                      transform: `rotate(${rotation}deg)`,
                    }
                  : undefined
              }
              draggable={false}
            />
          </div>
        )}
      </div>
    </figure>
  );
}

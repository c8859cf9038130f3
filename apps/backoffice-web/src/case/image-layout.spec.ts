import { imageLayout, type Size } from './image-layout';

const PHOTO: Size = { width: 920, height: 600 };
const STAGE: Size = { width: 640, height: 400 };

/** The box the image covers once turned about its centre, in the frame's coordinates. */
function turnedBounds(layout: ReturnType<typeof imageLayout>, rotation: number) {
  const { left, top, width, height } = layout.image;
  const sideways = rotation % 180 !== 0;
  const [w, h] = sideways ? [height, width] : [width, height];
  const [cx, cy] = [left + width / 2, top + height / 2];
  return { left: cx - w / 2, top: cy - h / 2, right: cx + w / 2, bottom: cy + h / 2 };
}

describe('placing a document image on the viewer’s stage', () => {
  it.each(
    [0, 90, 180, 270].flatMap((rotation) => [0.5, 1, 1.25, 2, 4].map((zoom) => [rotation, zoom])),
  )(
    'turned %d° at %d×, the image covers its frame exactly, so every edge can be scrolled to',
    (rotation, zoom) => {
      const layout = imageLayout(PHOTO, STAGE, rotation, zoom);
      const bounds = turnedBounds(layout, rotation);
      expect(bounds.left).toBeCloseTo(0);
      expect(bounds.top).toBeCloseTo(0);
      expect(bounds.right).toBeCloseTo(layout.frame.width);
      expect(bounds.bottom).toBeCloseTo(layout.frame.height);
    },
  );

  it('fits the whole turned image on the stage at 100 %', () => {
    for (const rotation of [0, 90]) {
      const { frame } = imageLayout(PHOTO, STAGE, rotation, 1);
      expect(frame.width).toBeLessThanOrEqual(STAGE.width);
      expect(frame.height).toBeLessThanOrEqual(STAGE.height);
      expect(Math.max(frame.width / STAGE.width, frame.height / STAGE.height)).toBeCloseTo(1);
    }
  });

  it('makes a turned image at 125 % larger than the stage, to be scrolled', () => {
    const { frame } = imageLayout(PHOTO, STAGE, 90, 1.25);
    expect(frame.height).toBeCloseTo(STAGE.height * 1.25);
    expect(frame.width).toBeCloseTo((600 / 920) * STAGE.height * 1.25);
  });

  it('never enlarges a small image beyond its own pixels at 100 %', () => {
    const { frame } = imageLayout({ width: 200, height: 100 }, STAGE, 0, 1);
    expect(frame).toEqual({ width: 200, height: 100 });
  });
});

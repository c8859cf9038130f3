export interface Size {
  width: number;
  height: number;
}

export interface ImageLayout {
  /** The box the stage scrolls: the rotated, zoomed image's bounds. */
  frame: Size;
  /** The image's own box inside the frame, before its rotation about its centre. */
  image: Size & { left: number; top: number };
}

/**
 * Where a document image goes on the viewer's stage. At 100 % the whole image, turned
 * as it is, fits the stage (never enlarged beyond its own pixels); a zoom scales that.
 * A CSS transform alone leaves the layout box at the unrotated size, so a rotated image
 * larger than the stage was cut off where the stage could not scroll: here the frame is
 * as large as what is seen, and the image is centred in it before it turns.
 */
export function imageLayout(
  natural: Size,
  stage: Size,
  rotation: number,
  zoom: number,
): ImageLayout {
  const sideways = rotation % 180 !== 0;
  const turned = sideways ? { width: natural.height, height: natural.width } : natural;
  const fit = Math.min(1, stage.width / turned.width, stage.height / turned.height);
  const scale = fit * zoom;
  const image = { width: natural.width * scale, height: natural.height * scale };
  const frame = { width: turned.width * scale, height: turned.height * scale };
  return {
    frame,
    image: {
      ...image,
      left: (frame.width - image.width) / 2,
      top: (frame.height - image.height) / 2,
    },
  };
}

"""wt.browser, tfjs's tf.browser: tensors from images (canvas, image, video, ImageBitmap,
ImageData) and images from tensors."""
from ._namespace import export as _export

__all__ = _export(globals(), "from_pixels from_pixels_async to_pixels draw")

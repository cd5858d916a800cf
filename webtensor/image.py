"""wt.image, tfjs's tf.image: resizing and other ops on NHWC image batches."""
from ._namespace import export as _export

__all__ = _export(globals(), """
    resize_bilinear resize_nearest_neighbor crop_and_resize flip_left_right grayscale_to_rgb
    rgb_to_grayscale rotate_with_offset threshold transform
    non_max_suppression non_max_suppression_async non_max_suppression_with_score
    non_max_suppression_with_score_async non_max_suppression_padded non_max_suppression_padded_async
""")

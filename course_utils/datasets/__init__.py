"""Data sets for the course, offline first.

Notebooks import this package as ``data`` (``from course_utils import datasets as data``)
and use the loaders below; the two image sets that only one module needs are
imported as modules (``from course_utils.datasets import photos``).

- :mod:`~course_utils.datasets.files`              finding, verifying (SHA-256) and downloading data files
- :mod:`~course_utils.datasets.toy`                generated: logic gates, separable points, classification, circles
- :mod:`~course_utils.datasets.handwritten_digits` the 8x8 digits that ship with scikit-learn
- :mod:`~course_utils.datasets.fashion`            Fashion-MNIST
- :mod:`~course_utils.datasets.sampling`           stratified subsets
- :mod:`~course_utils.datasets.photos`             photos that ship with scikit-image/-learn, and patches of them (05)
- :mod:`~course_utils.datasets.image_folders`      painted leaf photos in class-per-folder layout (04)
- :mod:`~course_utils.datasets.series`             a generated sine wave, sunspots and CO2 from statsmodels (07)
- :mod:`~course_utils.datasets.words`              an English word list, /usr/share/dict/words (07)
- :mod:`~course_utils.datasets.reviews`            movie-review sentences, positive and negative, shipped in data/ (08)
- :mod:`~course_utils.datasets.clusters`           Gaussian clusters on a ring, and how many of them points reach (10)
- :mod:`~course_utils.datasets.sequences`          toy sequence tasks: reverse or sort a row of digits (11)

A new data set gets its own file here, and its loader a line below.
"""

from course_utils.datasets.clusters import gaussian_ring, ring_modes_covered
from course_utils.datasets.fashion import FASHION_MNIST_CLASSES, fashion_mnist
from course_utils.datasets.files import DatasetUnavailable
from course_utils.datasets.handwritten_digits import digits
from course_utils.datasets.reviews import movie_reviews
from course_utils.datasets.sampling import subsample
from course_utils.datasets.sequences import toy_sequences
from course_utils.datasets.series import co2, sine_wave, sunspots
from course_utils.datasets.toy import circles, classification_split, linearly_separable, logic_gate
from course_utils.datasets.words import words

__all__ = [
    "FASHION_MNIST_CLASSES", "DatasetUnavailable", "circles", "classification_split", "digits",
    "fashion_mnist", "linearly_separable", "logic_gate", "subsample",
    "co2", "sine_wave", "sunspots", "words", "movie_reviews", "toy_sequences", "gaussian_ring",
    "ring_modes_covered",
]

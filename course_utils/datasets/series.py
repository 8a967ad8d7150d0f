"""Time series for module 07: a generated sine wave and real series bundled with statsmodels.

statsmodels ships its data sets inside the package (no download): yearly sunspot numbers
1700-2008 (``sunspots``) and the weekly Mauna Loa CO2 record (``co2``).
"""

from __future__ import annotations

import numpy as np

from course_utils.datasets.files import DatasetUnavailable

_HOW_TO_GET = ("statsmodels is a dependency of the course: run scripts/setup (or `uv sync`), "
               "or `pip install statsmodels`.")


def sine_wave(n: int = 2000, step: float = 0.1, phase: float = 0.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """``sin(phase + step * t)`` for t = 0 .. n-1 as float32, plus optional Gaussian noise of std ``noise``."""
    values = np.sin(phase + step * np.arange(n))
    if noise:
        values = values + np.random.default_rng(seed).normal(0.0, noise, n)
    return values.astype(np.float32)


def _statsmodels_datasets():
    try:
        import statsmodels.datasets as datasets
    except ImportError as exc:
        raise DatasetUnavailable(
            f"The real time series come with statsmodels, which is not installed. {_HOW_TO_GET}") from exc
    return datasets


def sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Yearly mean sunspot numbers: ``(years, values)``, 309 years from 1700 to 2008, float64."""
    frame = _statsmodels_datasets().sunspots.load_pandas().data
    return frame["YEAR"].to_numpy(dtype=int), frame["SUNACTIVITY"].to_numpy(dtype=float)


def co2(monthly: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Mauna Loa CO2 in ppm, 1958-2001: ``(dates, values)``; ``monthly`` averages the weekly record
    (the weeks without a measurement are left out of the means)."""
    frame = _statsmodels_datasets().co2.load_pandas().data
    series = frame["co2"]
    if monthly:
        series = series.resample("MS").mean()
    series = series.interpolate()
    return series.index.to_numpy(), series.to_numpy(dtype=float)

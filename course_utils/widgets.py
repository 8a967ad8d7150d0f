"""Interactive demos that also run headless.

``interact(function, **controls)`` is ``ipywidgets.interact`` when a person is
at the notebook. While nbgrader executes a notebook (or with ``COURSE_WIDGETS=0``)
it calls ``function`` once with each control's initial value instead, so the
same figure is drawn without widget traffic: nbclient, which nbgrader uses to
execute notebooks, sometimes stalls for a whole cell timeout after an
``interact`` cell (jupyter/nbclient#312).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from course_utils.settings import widgets_enabled


def initial_value(function: Callable[..., Any], name: str, control: Any) -> Any:
    """The value ``interact`` would start ``name`` at: a widget's value, else the function's default."""
    if hasattr(control, "value"):  # widgets and ipywidgets.fixed
        return control.value
    if isinstance(control, (tuple, list, dict)):  # abbreviations: the default argument starts them
        default = inspect.signature(function).parameters[name].default
        if default is inspect.Parameter.empty:
            raise ValueError(f"give `{name}` a default value in {function.__name__}() or pass a widget")
        return default
    return control  # a plain value is passed as it is


def interact(function: Callable[..., Any], **controls: Any) -> Any:
    """``ipywidgets.interact(function, **controls)``, or one static call when widgets are off."""
    if widgets_enabled():
        import ipywidgets

        return ipywidgets.interact(function, **controls)
    return function(**{name: initial_value(function, name, c) for name, c in controls.items()})
